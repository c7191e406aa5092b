//! The framework's data layer on real databases: module tables from data
//! models, the generic service, relations, module isolation, links and
//! `query.graph` with fields and filters across links.

use std::sync::Arc;

use medusa_host::db::{Database, Exec};
use medusa_host::framework::data::{FindOptions, OrderBy, ServiceError};
use medusa_host::framework::dml::{FieldKind, LinkDef, LinkSide, ModelDef, ModuleDef};
use medusa_host::framework::links::{self, LinkRef};
use medusa_host::framework::modules::{
    MigrateModulesError, Registry, migrate_modules, pending_module_changes,
};
use medusa_host::framework::query::fields::{FieldTree, resolve_fields};
use medusa_host::framework::query::{GraphRequest, Query};
use medusa_tests::databases;
use serde_json::{Map, Value, json};

fn blog() -> ModuleDef {
    ModuleDef::new("blog")
        .model(
            ModelDef::new("post", "post")
                .text("title")
                .searchable()
                .text("body")
                .nullable()
                .number("views")
                .default(0)
                .boolean("published")
                .default(false)
                .big_number("price")
                .nullable()
                .float("rating")
                .nullable()
                .enumeration("status", ["draft", "live"])
                .default("draft")
                .has_many("comments", "comment", "post_id")
                .cascade()
                .many_to_many("tags", "tag", "post_tags"),
        )
        .model(
            ModelDef::new("comment", "com")
                .text("body")
                .searchable()
                .belongs_to("post", "post", "post_id"),
        )
        .model(ModelDef::new("tag", "tag").text("value").unique())
}

fn people() -> ModuleDef {
    ModuleDef::new("people").model(
        ModelDef::new("author", "auth")
            .text("name")
            .text("email")
            .unique(),
    )
}

fn registry() -> Registry {
    let mut r = Registry::new();
    r.register(blog()).unwrap();
    r.register(people()).unwrap();
    // A post has one author; an author has many posts.
    r.link(LinkDef::new(
        LinkSide::new("blog", "post").list(),
        LinkSide::new("people", "author"),
    ))
    .unwrap();
    r
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

fn ids(rows: &[Map<String, Value>]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn setup(db: &Database) -> Arc<Registry> {
    let registry = registry();
    let report = migrate_modules(db, &registry, false).await.unwrap();
    assert!(
        report.applied.iter().any(|c| c == "create table post"),
        "{report:?}"
    );
    assert!(
        report
            .applied
            .iter()
            .any(|c| c == "create link table blog_post_people_author"),
        "{report:?}"
    );
    Arc::new(registry)
}

#[tokio::test]
async fn migrations_are_additive_and_guarded() {
    for t in databases::all().await {
        let db = &t.db;
        setup(db).await;
        let again = migrate_modules(db, &registry(), false).await.unwrap();
        assert!(
            again.applied.is_empty(),
            "{}: nothing to do twice: {again:?}",
            t.name
        );

        // A new nullable field is added in place.
        let mut grown = Registry::new();
        let mut module = blog();
        module.models[0] = module.models[0].clone().text("subtitle").nullable();
        grown.register(module).unwrap();
        grown.register(people()).unwrap();
        grown.link(registry().links()[0].clone()).unwrap();
        let report = migrate_modules(db, &grown, false).await.unwrap();
        assert_eq!(report.applied, ["add column post.subtitle"], "{}", t.name);

        // Dropping the link (and with it its table) is refused unless allowed.
        let mut shrunk = Registry::new();
        shrunk.register(blog()).unwrap();
        shrunk.register(people()).unwrap();
        match migrate_modules(db, &shrunk, false).await {
            Err(MigrateModulesError::Destructive(changes)) => {
                assert!(
                    changes
                        .iter()
                        .any(|c| c.contains("drop column post.subtitle")),
                    "{changes:?}"
                );
                assert!(
                    changes.iter().any(|c| c.contains("drop link table")),
                    "{changes:?}"
                );
            }
            other => panic!("{}: expected a refusal, got {other:?}", t.name),
        }
        let report = migrate_modules(db, &shrunk, true).await.unwrap();
        assert!(
            report
                .applied
                .iter()
                .any(|c| c == "drop link table blog_post_people_author"),
            "{report:?}"
        );
    }
}

#[tokio::test]
async fn an_older_soft_delete_index_over_every_row_is_rebuilt_once() {
    for t in databases::all().await {
        let db = &t.db;
        setup(db).await;
        // The index as versions before this one made it: every row.
        let mut tx = db.begin().await.unwrap();
        tx.execute_raw(r#"DROP INDEX "IDX_post_deleted_at""#, &[])
            .await
            .unwrap();
        tx.execute_raw(
            r#"CREATE INDEX "IDX_post_deleted_at" ON "post" ("deleted_at")"#,
            &[],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let change = "index only the soft-deleted rows of post by deleted_at";
        let pending = pending_module_changes(db, &registry()).await.unwrap();
        assert_eq!(pending, [change], "{}", t.name);
        let report = migrate_modules(db, &registry(), false).await.unwrap();
        assert_eq!(report.applied, [change], "{}", t.name);
        let pending = pending_module_changes(db, &registry()).await.unwrap();
        assert!(pending.is_empty(), "{}: {pending:?}", t.name);
    }
}

#[tokio::test]
async fn a_link_table_made_without_its_left_index_gets_it_once() {
    for t in databases::all().await {
        let db = &t.db;
        setup(db).await;
        // Versions before this one indexed a link table's left column only
        // in its unique index over live rows.
        let mut tx = db.begin().await.unwrap();
        tx.execute_raw(r#"DROP INDEX "IDX_blog_post_people_author_post_id""#, &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let change = "index blog_post_people_author by post_id";
        let pending = pending_module_changes(db, &registry()).await.unwrap();
        assert_eq!(pending, [change], "{}", t.name);
        let report = migrate_modules(db, &registry(), false).await.unwrap();
        assert_eq!(report.applied, [change], "{}", t.name);
        let pending = pending_module_changes(db, &registry()).await.unwrap();
        assert!(pending.is_empty(), "{}: {pending:?}", t.name);
        // The index is back: dropping it again succeeds.
        let mut tx = db.begin().await.unwrap();
        tx.execute_raw(r#"DROP INDEX "IDX_blog_post_people_author_post_id""#, &[])
            .await
            .unwrap();
        drop(tx);
    }
}

#[tokio::test]
async fn generic_service_crud_filters_and_pagination() {
    for t in databases::all().await {
        let registry = setup(&t.db).await;
        let blog = registry.service("blog").unwrap();
        let mut exec = Exec::Db(&t.db);
        let posts = blog
            .create(
                &mut exec,
                "post",
                vec![
                    obj(json!({"title": "Hello Rust", "views": 10, "price": "19.99"})),
                    obj(json!({"title": "Hello Wasm", "views": 5, "published": true, "status": "live"})),
                    obj(json!({"title": "Goodbye", "views": 50, "body": "bye"})),
                ],
            )
            .await
            .unwrap();
        assert_eq!(posts.len(), 3);
        assert!(posts[0]["id"].as_str().unwrap().starts_with("post_"));
        assert_eq!(posts[0]["views"], 10);
        assert_eq!(posts[0]["published"], false, "{}: defaults apply", t.name);
        assert_eq!(posts[0]["price"], json!(19.99), "{}", t.name);
        assert_eq!(
            posts[0]["raw_price"],
            json!({"value": "19.99", "precision": 20}),
            "{}",
            t.name
        );
        assert!(
            posts[0]["created_at"].as_str().unwrap().ends_with('Z'),
            "{}: {}",
            t.name,
            posts[0]["created_at"]
        );
        assert_eq!(posts[0]["deleted_at"], Value::Null);

        let list = |filter: Value, opts: FindOptions| {
            let blog = blog.clone();
            let db = t.db.clone();
            async move { blog.list(&mut Exec::Db(&db), "post", &filter, &opts).await }
        };
        let titles = |rows: Vec<Map<String, Value>>| {
            rows.iter()
                .map(|r| r["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        let by_views = FindOptions {
            order: vec![OrderBy::parse("-views")],
            ..Default::default()
        };
        assert_eq!(
            titles(
                list(json!({"views": {"$gte": "10"}}), by_views.clone())
                    .await
                    .unwrap()
            ),
            ["Goodbye", "Hello Rust"]
        );
        assert_eq!(
            titles(
                list(json!({"q": "hello", "published": "true"}), by_views.clone())
                    .await
                    .unwrap()
            ),
            ["Hello Wasm"]
        );
        assert_eq!(
            titles(
                list(
                    json!({"$or": [{"status": "live"}, {"body": {"$ne": null}}]}),
                    by_views.clone()
                )
                .await
                .unwrap()
            ),
            ["Goodbye", "Hello Wasm"]
        );
        assert_eq!(
            titles(
                list(json!({"title": {"$ilike": "%WASM"}}), by_views.clone())
                    .await
                    .unwrap()
            ),
            ["Hello Wasm"]
        );

        let page = FindOptions {
            limit: Some(2),
            offset: 1,
            order: vec![OrderBy::parse("views")],
            ..Default::default()
        };
        let (rows, count) = blog
            .list_and_count(&mut exec, "post", &Value::Null, &page)
            .await
            .unwrap();
        assert_eq!(
            (titles(rows), count),
            (vec!["Hello Rust".to_owned(), "Goodbye".to_owned()], 3)
        );

        // Keyset pages follow creation order.
        let first = FindOptions {
            limit: Some(2),
            after: Some(String::new()),
            ..Default::default()
        };
        let rows = blog
            .list(&mut exec, "post", &Value::Null, &first)
            .await
            .unwrap();
        let next = FindOptions {
            limit: Some(2),
            after: Some(ids(&rows)[1].clone()),
            ..Default::default()
        };
        let rest = blog
            .list(&mut exec, "post", &Value::Null, &next)
            .await
            .unwrap();
        assert_eq!(
            titles(rows.into_iter().chain(rest).collect()),
            ["Hello Rust", "Hello Wasm", "Goodbye"]
        );

        // Bad input is named, not a database error.
        for (filter, needle) in [
            (json!({"nope": 1}), "nope"),
            (json!({"views": "many"}), "post.views"),
            (json!({"status": {"$bogus": 1}}), "$bogus"),
        ] {
            match list(filter, FindOptions::default()).await {
                Err(ServiceError::InvalidData(msg)) => assert!(msg.contains(needle), "{msg}"),
                other => panic!("{}: expected invalid data, got {other:?}", t.name),
            }
        }
        let bad = blog
            .create(
                &mut exec,
                "post",
                vec![obj(json!({"title": "x", "status": "gone"}))],
            )
            .await;
        assert!(matches!(bad, Err(ServiceError::InvalidData(m)) if m.contains("draft, live")));
        let bad = blog
            .create(&mut exec, "post", vec![obj(json!({"body": "no title"}))])
            .await;
        assert!(matches!(bad, Err(ServiceError::InvalidData(m)) if m.contains("'title'")));
        let bad = blog
            .create(
                &mut exec,
                "post",
                vec![obj(json!({"title": "x", "colour": "red"}))],
            )
            .await;
        assert!(matches!(bad, Err(ServiceError::InvalidData(m)) if m.contains("colour")));

        // Update, upsert, retrieve and not-found.
        let id = ids(&posts)[0].clone();
        let updated = blog
            .update_by_id(&mut exec, "post", &id, &obj(json!({"views": 11})))
            .await
            .unwrap();
        assert_eq!(updated["views"], 11);
        assert!(updated["updated_at"].as_str() >= posts[0]["updated_at"].as_str());
        let upserted = blog
            .upsert(
                &mut exec,
                "post",
                vec![
                    obj(json!({"id": id, "title": "Hello Rust!"})),
                    obj(json!({"title": "New"})),
                ],
            )
            .await
            .unwrap();
        assert_eq!(upserted[0]["title"], "Hello Rust!");
        assert_eq!(
            blog.count(&mut exec, "post", &Value::Null, false)
                .await
                .unwrap(),
            4
        );
        let missing = blog.retrieve(&mut exec, "post", "post_missing", None).await;
        assert!(
            matches!(missing, Err(ServiceError::NotFound { ref entity, .. }) if entity == "Post"),
            "{missing:?}"
        );

        // Unique constraints answer as duplicates.
        blog.create(&mut exec, "tag", vec![obj(json!({"value": "rust"}))])
            .await
            .unwrap();
        let dup = blog
            .create(&mut exec, "tag", vec![obj(json!({"value": "rust"}))])
            .await;
        assert!(
            matches!(dup, Err(ServiceError::Duplicate(_))),
            "{}: {dup:?}",
            t.name
        );
    }
}

#[tokio::test]
async fn relations_load_cascade_and_filter() {
    for t in databases::all().await {
        let registry = setup(&t.db).await;
        let blog = registry.service("blog").unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let mut exec = Exec::Tx(&mut tx);
        let post = blog
            .create(
                &mut exec,
                "post",
                vec![obj(json!({"title": "With comments"}))],
            )
            .await
            .unwrap()
            .remove(0);
        let other = blog
            .create(&mut exec, "post", vec![obj(json!({"title": "Quiet"}))])
            .await
            .unwrap()
            .remove(0);
        let pid = post["id"].as_str().unwrap().to_owned();
        blog.create(
            &mut exec,
            "comment",
            vec![
                obj(json!({"body": "first!", "post_id": pid})),
                obj(json!({"body": "nice", "post_id": pid})),
            ],
        )
        .await
        .unwrap();
        let tags = blog
            .create(
                &mut exec,
                "tag",
                vec![obj(json!({"value": "a"})), obj(json!({"value": "b"}))],
            )
            .await
            .unwrap();
        blog.set_related(&mut exec, "post", "tags", &pid, &ids(&tags))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut exec = Exec::Db(&t.db);

        let fields =
            FieldTree::from_paths(["title", "comments.body", "tags.*", "comments.post.title"]);
        let opts = FindOptions {
            fields: Some(fields),
            order: vec![OrderBy::parse("created_at")],
            ..Default::default()
        };
        let rows = blog
            .list(&mut exec, "post", &Value::Null, &opts)
            .await
            .unwrap();
        assert_eq!(
            rows[0]["comments"].as_array().unwrap().len(),
            2,
            "{}: {rows:?}",
            t.name
        );
        assert_eq!(rows[0]["comments"][0]["post"]["title"], "With comments");
        assert_eq!(rows[0]["tags"].as_array().unwrap().len(), 2);
        assert!(
            rows[0].get("views").is_none(),
            "only selected fields are returned"
        );
        assert_eq!(rows[1]["comments"], json!([]));

        // Filters follow in-module relations.
        let found = blog
            .list(
                &mut exec,
                "post",
                &json!({"comments": {"body": "nice"}}),
                &FindOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(ids(&found), vec![pid.clone()]);
        let found = blog
            .list(
                &mut exec,
                "post",
                &json!({"tags": {"value": "b"}}),
                &FindOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(ids(&found), vec![pid.clone()]);

        // Soft delete cascades to comments; restore brings them back.
        let deleted = blog
            .soft_delete(&mut exec, "post", std::slice::from_ref(&pid))
            .await
            .unwrap();
        assert_eq!(deleted["comment"].len(), 2);
        assert_eq!(
            blog.count(&mut exec, "comment", &Value::Null, false)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            blog.count(&mut exec, "post", &Value::Null, false)
                .await
                .unwrap(),
            1
        );
        blog.restore(&mut exec, "post", std::slice::from_ref(&pid))
            .await
            .unwrap();
        assert_eq!(
            blog.count(&mut exec, "comment", &Value::Null, false)
                .await
                .unwrap(),
            2
        );

        // Hard delete removes children and pivot rows.
        blog.delete(&mut exec, "post", std::slice::from_ref(&pid))
            .await
            .unwrap();
        assert_eq!(
            blog.count(&mut exec, "comment", &Value::Null, true)
                .await
                .unwrap(),
            0
        );
        let tagged = blog
            .list(
                &mut exec,
                "post",
                &json!({"tags": {"value": "a"}}),
                &FindOptions::default(),
            )
            .await
            .unwrap();
        assert!(tagged.is_empty());
        assert_eq!(
            blog.count(&mut exec, "post", &Value::Null, false)
                .await
                .unwrap(),
            1,
            "{other:?} remains"
        );
    }
}

#[tokio::test]
async fn relations_read_in_one_statement_match_one_statement_per_relation() {
    for t in databases::all().await {
        let registry = setup(&t.db).await;
        let blog = registry.service("blog").unwrap();
        let mut exec = Exec::Db(&t.db);
        let posts = blog
            .create(
                &mut exec,
                "post",
                vec![
                    obj(json!({"title": "Priced", "price": "1234567.0100", "rating": 4.0, "views": 7, "published": true})),
                    obj(json!({"title": "Bare"})),
                ],
            )
            .await
            .unwrap();
        let pid = posts[0]["id"].as_str().unwrap().to_owned();
        let comments = blog
            .create(
                &mut exec,
                "comment",
                vec![
                    obj(json!({"body": "kept", "post_id": pid})),
                    obj(json!({"body": "gone", "post_id": pid})),
                    obj(json!({"body": "also kept", "post_id": pid})),
                ],
            )
            .await
            .unwrap();
        blog.soft_delete(&mut exec, "comment", &ids(&comments[1..2]))
            .await
            .unwrap();
        let tags = blog
            .create(
                &mut exec,
                "tag",
                vec![
                    obj(json!({"value": "x"})),
                    obj(json!({"value": "y"})),
                    obj(json!({"value": "z"})),
                ],
            )
            .await
            .unwrap();
        // Linked last to first, and one tag deleted since.
        let mut tag_ids = ids(&tags);
        tag_ids.reverse();
        blog.set_related(&mut exec, "post", "tags", &pid, &tag_ids)
            .await
            .unwrap();
        blog.soft_delete(&mut exec, "tag", &tag_ids[1..2])
            .await
            .unwrap();

        let selections: [&[&str]; 4] = [
            &["*", "comments.*", "comments.post.*"],
            &["title", "comments", "tags.*"],
            &["*", "comments.post.comments.body"],
            &["comments.id"],
        ];
        for paths in selections {
            let opts = FindOptions {
                fields: Some(FieldTree::from_paths(paths)),
                order: vec![OrderBy::parse("created_at")],
                ..Default::default()
            };
            let one = blog
                .list(&mut exec, "post", &Value::Null, &opts)
                .await
                .unwrap();
            let many = blog
                .clone()
                .one_query_per_relation()
                .list(&mut exec, "post", &Value::Null, &opts)
                .await
                .unwrap();
            assert_eq!(one, many, "{}: {paths:?}", t.name);
            assert_eq!(one.len(), 2, "{}", t.name);
            let bodies: Vec<&str> = one[0]["comments"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c.get("body")?.as_str())
                .collect();
            if paths.len() > 1 {
                assert_eq!(bodies, ["kept", "also kept"], "{}: {paths:?}", t.name);
            }
            assert_eq!(one[1]["comments"], json!([]), "{}", t.name);
            if paths.contains(&"tags.*") {
                let values: Vec<&str> = one[0]["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|t| t["value"].as_str())
                    .collect();
                assert_eq!(values, ["x", "z"], "{}: in id order, live", t.name);
                assert_eq!(one[1]["tags"], json!([]), "{}", t.name);
            }
        }
        let opts = FindOptions {
            fields: Some(FieldTree::from_paths(["*", "comments.*"])),
            order: vec![OrderBy::parse("created_at")],
            ..Default::default()
        };
        let rows = blog
            .list(&mut exec, "post", &Value::Null, &opts)
            .await
            .unwrap();
        assert_eq!(rows[0]["price"], json!(1234567.01), "{}", t.name);
        assert_eq!(rows[0]["rating"], json!(4.0), "{}", t.name);
        let stamp = rows[0]["comments"][0]["created_at"].as_str().unwrap();
        assert!(
            stamp.len() == 24 && stamp.ends_with('Z'),
            "{}: {stamp}",
            t.name
        );
    }
}

#[tokio::test]
async fn a_module_cannot_reach_another_modules_data() {
    for t in databases::all().await {
        let registry = setup(&t.db).await;
        let blog = registry.service("blog").unwrap();
        let people = registry.service("people").unwrap();
        let mut exec = Exec::Db(&t.db);
        people
            .create(
                &mut exec,
                "author",
                vec![obj(json!({"name": "Ada", "email": "ada@example.com"}))],
            )
            .await
            .unwrap();

        for attempt in [
            blog.list(&mut exec, "author", &Value::Null, &FindOptions::default())
                .await
                .map(|_| ()),
            blog.create(
                &mut exec,
                "author",
                vec![obj(json!({"name": "Eve", "email": "e@x.io"}))],
            )
            .await
            .map(|_| ()),
            blog.update(
                &mut exec,
                "author",
                &Value::Null,
                &obj(json!({"name": "Eve"})),
            )
            .await
            .map(|_| ()),
            blog.delete(&mut exec, "author", &["auth_x".to_owned()])
                .await
                .map(|_| ()),
        ] {
            assert!(
                matches!(attempt, Err(ServiceError::NotOwnModel { ref module, ref model }) if module == "blog" && model == "author"),
                "{attempt:?}"
            );
        }
        // Its filters cannot follow a link either: only query can.
        let through_link = blog
            .list(
                &mut exec,
                "post",
                &json!({"author": {"name": "Ada"}}),
                &FindOptions::default(),
            )
            .await;
        assert!(matches!(through_link, Err(ServiceError::InvalidData(_))));
        // And the author table is untouched.
        assert_eq!(
            people
                .count(&mut exec, "author", &Value::Null, false)
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn link_rows_read_in_one_statement_match_one_statement_per_level() {
    for t in databases::all().await {
        // A comment credits several authors, each with a weight.
        let mut registry = registry();
        registry
            .link(
                LinkDef::new(
                    LinkSide::new("blog", "comment").list(),
                    LinkSide::new("people", "author").list(),
                )
                .extra_column("weight", FieldKind::Number, Some(json!(1))),
            )
            .unwrap();
        let registry = Arc::new(registry);
        migrate_modules(&t.db, &registry, false).await.unwrap();
        let query = Query::new(registry.clone());
        let blog = registry.service("blog").unwrap();
        let people = registry.service("people").unwrap();
        let mut exec = Exec::Db(&t.db);
        let post = blog
            .create(&mut exec, "post", vec![obj(json!({"title": "Credits"}))])
            .await
            .unwrap();
        let pid = ids(&post)[0].clone();
        let comments = blog
            .create(
                &mut exec,
                "comment",
                vec![
                    obj(json!({"body": "two authors", "post_id": pid})),
                    obj(json!({"body": "one author", "post_id": pid})),
                    obj(json!({"body": "none", "post_id": pid})),
                ],
            )
            .await
            .unwrap();
        let authors = people
            .create(
                &mut exec,
                "author",
                vec![
                    obj(json!({"name": "Ada", "email": "ada@example.com"})),
                    obj(json!({"name": "Grace", "email": "grace@example.com"})),
                ],
            )
            .await
            .unwrap();
        let (c, a) = (ids(&comments), ids(&authors));
        let weight = |w: i64| obj(json!({ "weight": w }));
        links::create(
            &mut exec,
            &registry,
            &[
                LinkRef::new("comment", &c[0], "author", &a[0]).with_data(weight(3)),
                LinkRef::new("comment", &c[0], "author", &a[1]),
                LinkRef::new("author", &a[0], "comment", &c[1]).with_data(weight(2)),
            ],
        )
        .await
        .unwrap();
        // Grace leaves: her link row stays, with no record under it.
        people
            .soft_delete(&mut exec, "author", &a[1..2])
            .await
            .unwrap();
        let selections: [(&str, &[&str]); 4] = [
            ("comment", &["*", "authors.*", "authors.author.*"]),
            ("comment", &["id", "authors.weight", "authors.author.name"]),
            ("comment", &["body", "authors"]),
            (
                "post",
                &["title", "comments.body", "comments.authors.author.*"],
            ),
        ];
        for (entity, paths) in selections {
            let request = GraphRequest {
                entity: entity.into(),
                fields: FieldTree::from_paths(paths),
                pagination: FindOptions {
                    order: vec![OrderBy::parse("created_at")],
                    ..Default::default()
                },
                ..Default::default()
            };
            let one = query.graph(&mut exec, &request).await.unwrap().data;
            let many = query
                .clone()
                .one_query_per_relation()
                .graph(&mut exec, &request)
                .await
                .unwrap()
                .data;
            assert_eq!(one, many, "{}: {entity} {paths:?}", t.name);
            if entity == "comment" {
                let credits = &one[0]["authors"];
                assert_eq!(credits.as_array().map(Vec::len), Some(2), "{credits}");
                assert_eq!(credits[0]["weight"], json!(3), "{}: {credits}", t.name);
                assert_eq!(credits[1]["weight"], json!(1), "{}: {credits}", t.name);
                if paths.contains(&"authors.author.*") {
                    assert_eq!(credits[0]["author"]["name"], "Ada", "{}", t.name);
                    assert_eq!(credits[1]["author"], Value::Null, "{}", t.name);
                }
                assert_eq!(one[1]["authors"][0]["weight"], json!(2), "{}", t.name);
                assert_eq!(one[2]["authors"], json!([]), "{}", t.name);
            }
        }
    }
}

#[tokio::test]
async fn query_graph_follows_links_with_fields_and_filters() {
    for t in databases::all().await {
        let registry = setup(&t.db).await;
        let query = Query::new(registry.clone());
        let blog = registry.service("blog").unwrap();
        let people = registry.service("people").unwrap();
        let mut exec = Exec::Db(&t.db);
        let authors = people
            .create(
                &mut exec,
                "author",
                vec![
                    obj(json!({"name": "Ada", "email": "ada@example.com"})),
                    obj(json!({"name": "Grace", "email": "grace@example.com"})),
                ],
            )
            .await
            .unwrap();
        let posts = blog
            .create(
                &mut exec,
                "post",
                vec![
                    obj(json!({"title": "Engines"})),
                    obj(json!({"title": "Compilers"})),
                    obj(json!({"title": "Orphan"})),
                ],
            )
            .await
            .unwrap();
        let (ada, grace) = (ids(&authors)[0].clone(), ids(&authors)[1].clone());
        let post_ids = ids(&posts);
        blog.create(
            &mut exec,
            "comment",
            vec![obj(json!({"body": "great", "post_id": post_ids[0]}))],
        )
        .await
        .unwrap();
        links::create(
            &mut exec,
            &registry,
            &[
                LinkRef::new("post", &post_ids[0], "author", &ada),
                LinkRef::new("author", &grace, "post", &post_ids[1]),
            ],
        )
        .await
        .unwrap();

        // Post -> author (single), with the HTTP fields syntax.
        let request = GraphRequest {
            entity: "post".into(),
            fields: resolve_fields(&["id", "title"], Some("+author.name,*comments")),
            pagination: FindOptions {
                order: vec![OrderBy::parse("created_at")],
                ..Default::default()
            },
            count: true,
            ..Default::default()
        };
        let result = query.graph(&mut exec, &request).await.unwrap();
        assert_eq!(result.count, Some(3));
        assert_eq!(
            result.data[0]["author"],
            json!({"id": ada, "name": "Ada"}),
            "{}: {:?}",
            t.name,
            result.data[0]
        );
        assert_eq!(result.data[0]["comments"][0]["body"], "great");
        assert_eq!(result.data[1]["author"]["name"], "Grace");
        assert_eq!(result.data[2]["author"], Value::Null);

        // Author -> posts (list), nested back into the blog module's relation.
        let request = GraphRequest {
            entity: "author".into(),
            fields: FieldTree::from_paths(["name", "posts.title", "posts.comments.body"]),
            filters: json!({"id": ada}),
            ..Default::default()
        };
        let result = query.graph(&mut exec, &request).await.unwrap();
        assert_eq!(
            result.data[0]["posts"],
            json!([{"id": post_ids[0], "title": "Engines", "comments": [{"id": result.data[0]["posts"][0]["comments"][0]["id"], "body": "great"}]}])
        );

        // Filters across the link.
        let request = GraphRequest {
            entity: "post".into(),
            fields: FieldTree::from_paths(["title"]),
            filters: json!({"author": {"name": {"$in": ["Grace"]}}}),
            ..Default::default()
        };
        let result = query.graph(&mut exec, &request).await.unwrap();
        assert_eq!(ids(&result.data), [post_ids[1].clone()]);
        let request = GraphRequest {
            entity: "author".into(),
            fields: FieldTree::from_paths(["name"]),
            filters: json!({"posts": {"comments": {"body": "great"}}}),
            ..Default::default()
        };
        assert_eq!(
            ids(&query.graph(&mut exec, &request).await.unwrap().data),
            vec![ada.clone()]
        );

        // A post has one author: linking again replaces; dismiss removes.
        links::create(
            &mut exec,
            &registry,
            &[LinkRef::new("post", &post_ids[0], "author", &grace)],
        )
        .await
        .unwrap();
        let linked = links::list(&mut exec, &registry, "author", &grace)
            .await
            .unwrap();
        assert_eq!(linked["post"].as_array().unwrap().len(), 2);
        links::dismiss(
            &mut exec,
            &registry,
            &[LinkRef::new("post", &post_ids[0], "author", &grace)],
        )
        .await
        .unwrap();
        let linked = links::list(&mut exec, &registry, "post", &post_ids[0])
            .await
            .unwrap();
        assert_eq!(linked["author"], json!([]));
        assert!(
            links::create(
                &mut exec,
                &registry,
                &[LinkRef::new("post", "p", "comment", "c")]
            )
            .await
            .is_err()
        );

        // Deleting an author dismisses its links.
        people
            .soft_delete(&mut exec, "author", std::slice::from_ref(&grace))
            .await
            .unwrap();
        links::on_deleted(&mut exec, &registry, "author", std::slice::from_ref(&grace))
            .await
            .unwrap();
        let linked = links::list(&mut exec, &registry, "post", &post_ids[1])
            .await
            .unwrap();
        assert_eq!(linked["author"], json!([]));
        assert!(
            query
                .graph(
                    &mut exec,
                    &GraphRequest {
                        entity: "nothing".into(),
                        ..Default::default()
                    }
                )
                .await
                .is_err()
        );
    }
}
