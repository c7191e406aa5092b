//! URL query strings parsed the way Express (`qs`) and Medusa's
//! `normalizeQuery` do (spec §1.4): `k=v`, repeated keys, `k[]=v`, `k[0]=v`,
//! nested `a[b][c]=v`, a single-element array split on commas, and dotted keys
//! up to two levels. Every leaf value stays a string.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

/// Deepest bracket nesting accepted (`a[1][2][3][4][5]`), as `qs`' default depth.
const MAX_DEPTH: usize = 5;
/// Largest explicit array index accepted (`a[1000]`).
const MAX_INDEX: usize = 1000;

/// A query string that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParseError(pub String);

impl fmt::Display for QueryParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryParseError {}

/// Parses a raw query string (the part after `?`) into a JSON object.
///
/// Keys and values are percent-decoded with `+` as a space. Repeated keys and
/// `k[]` build arrays, `k[n]` builds arrays ordered by index, `a[b][c]` builds
/// objects. A top-level one-element array holding a string is split on commas
/// (`id[]=a,b` gives `["a","b"]`), and a dotted top-level key `a.b` becomes
/// `{"a":{"b":…}}`. Errors: a dotted key deeper than two levels, nesting deeper
/// than five brackets, an array index above 1000, or a key given both a plain
/// value and nested keys (`a[b]=1&a=2`).
pub fn parse_query(raw: &str) -> Result<Map<String, Value>, QueryParseError> {
    // Like `qs`, first gather the values of each distinct (decoded) key.
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    let mut positions: BTreeMap<String, usize> = BTreeMap::new();
    for part in raw.split('&').filter(|part| !part.is_empty()) {
        let split_at = part
            .find("]=")
            .map(|pos| pos + 1)
            .or_else(|| part.find('='));
        let (raw_key, raw_value) = match split_at {
            Some(pos) => (&part[..pos], &part[pos + 1..]),
            None => (part, ""),
        };
        let key = decode(raw_key);
        if key.is_empty() {
            continue;
        }
        let value = decode(raw_value);
        match positions.get(&key) {
            Some(&index) => grouped[index].1.push(value),
            None => {
                positions.insert(key.clone(), grouped.len());
                grouped.push((key, vec![value]));
            }
        }
    }

    let mut top: BTreeMap<String, Node> = BTreeMap::new();
    for (key, values) in grouped {
        let leaf = match <[String; 1]>::try_from(values) {
            Ok([value]) => Node::Str(value),
            Err(values) => Node::Array(values.into_iter().map(Node::Str).enumerate().collect()),
        };
        let (name, segments) = parse_key(&key)?;
        if name.is_empty() {
            continue;
        }
        let node = build(&segments, leaf);
        let merged = match top.remove(name) {
            Some(existing) => merge(existing, node)?,
            None => node,
        };
        top.insert(name.to_owned(), merged);
    }

    normalize(top)
}

/// A value while it is being assembled; arrays may be sparse until the end.
#[derive(Debug)]
enum Node {
    Str(String),
    Array(BTreeMap<usize, Node>),
    Object(BTreeMap<String, Node>),
}

impl Node {
    fn is_container(&self) -> bool {
        !matches!(self, Node::Str(_))
    }

    fn into_value(self) -> Value {
        match self {
            Node::Str(s) => Value::String(s),
            Node::Array(items) => Value::Array(items.into_values().map(Node::into_value).collect()),
            Node::Object(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(key, node)| (key, node.into_value()))
                    .collect(),
            ),
        }
    }
}

/// One bracket segment of a key after its top-level name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'a> {
    /// `[]`
    Push,
    /// `[3]`
    Index(usize),
    /// `[name]`
    Key(&'a str),
}

/// The byte range of the first `[...]` group with no bracket inside.
fn next_group(s: &str) -> Option<(usize, usize)> {
    let mut open = None;
    for (i, byte) in s.bytes().enumerate() {
        match byte {
            b'[' => open = Some(i),
            b']' => {
                if let Some(start) = open {
                    return Some((start, i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `a[b][0][]` into its top-level name `a` and the following segments.
/// Text outside brackets after the name is ignored, as `qs` does.
fn parse_key(key: &str) -> Result<(&str, Vec<Segment<'_>>), QueryParseError> {
    let name_end = next_group(key).map_or(key.len(), |(start, _)| start);
    let mut brackets = Vec::new();
    let mut pos = name_end;
    while let Some((start, end)) = next_group(&key[pos..]) {
        if brackets.len() == MAX_DEPTH {
            return Err(QueryParseError(format!(
                "Query parameter {key} is nested more than {MAX_DEPTH} levels deep"
            )));
        }
        brackets.push(&key[pos + start + 1..pos + end - 1]);
        pos += end;
    }

    let name = &key[..name_end];
    let (name, rest) = match (name.is_empty(), brackets.split_first()) {
        (true, Some((first, rest))) => (*first, rest),
        _ => (name, brackets.as_slice()),
    };
    let segments = rest
        .iter()
        .map(|&content| segment(content, key))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((name, segments))
}

fn segment<'a>(content: &'a str, key: &str) -> Result<Segment<'a>, QueryParseError> {
    if content.is_empty() {
        return Ok(Segment::Push);
    }
    let canonical_number = content.bytes().all(|b| b.is_ascii_digit())
        && (content == "0" || !content.starts_with('0'));
    if !canonical_number {
        return Ok(Segment::Key(content));
    }
    match content.parse::<usize>() {
        Ok(index) if index <= MAX_INDEX => Ok(Segment::Index(index)),
        _ => Err(QueryParseError(format!(
            "Query parameter {key} has an array index above {MAX_INDEX}"
        ))),
    }
}

/// Wraps `leaf` in the containers named by `segments`, innermost last.
fn build(segments: &[Segment<'_>], leaf: Node) -> Node {
    segments
        .iter()
        .rev()
        .fold(leaf, |node, segment| match *segment {
            // `qs` does `[].concat(leaf)`: an array leaf is used as is.
            Segment::Push => match node {
                array @ Node::Array(_) => array,
                other => Node::Array(BTreeMap::from([(0, other)])),
            },
            Segment::Index(index) => Node::Array(BTreeMap::from([(index, node)])),
            Segment::Key(key) => Node::Object(BTreeMap::from([(key.to_owned(), node)])),
        })
}

fn push(items: &mut BTreeMap<usize, Node>, node: Node) {
    let next = items.last_key_value().map_or(0, |(index, _)| index + 1);
    items.insert(next, node);
}

fn array_to_object(items: BTreeMap<usize, Node>) -> BTreeMap<String, Node> {
    items
        .into_iter()
        .map(|(index, node)| (index.to_string(), node))
        .collect()
}

/// Merges `source` into `target` the way `qs`' `utils.merge` does.
fn merge(target: Node, source: Node) -> Result<Node, QueryParseError> {
    Ok(match (target, source) {
        (Node::Str(t), Node::Array(items)) => {
            let mut merged = BTreeMap::from([(0, Node::Str(t))]);
            for item in items.into_values() {
                push(&mut merged, item);
            }
            Node::Array(merged)
        }
        (target @ Node::Str(_), source) => Node::Array(BTreeMap::from([(0, target), (1, source)])),
        (Node::Array(mut items), Node::Str(s)) => {
            push(&mut items, Node::Str(s));
            Node::Array(items)
        }
        (Node::Array(mut items), Node::Array(source)) => {
            for (index, item) in source {
                match items.remove(&index) {
                    Some(existing) if existing.is_container() && item.is_container() => {
                        items.insert(index, merge(existing, item)?);
                    }
                    Some(existing) => {
                        items.insert(index, existing);
                        push(&mut items, item);
                    }
                    None => {
                        items.insert(index, item);
                    }
                }
            }
            Node::Array(items)
        }
        (Node::Array(items), source @ Node::Object(_)) => {
            merge(Node::Object(array_to_object(items)), source)?
        }
        (Node::Object(_), Node::Str(_)) => {
            return Err(QueryParseError(
                "Query parameter given both a value and nested keys".to_owned(),
            ));
        }
        (target @ Node::Object(_), Node::Array(items)) => {
            merge(target, Node::Object(array_to_object(items)))?
        }
        (Node::Object(mut entries), Node::Object(source)) => {
            for (key, node) in source {
                let merged = match entries.remove(&key) {
                    Some(existing) => merge(existing, node)?,
                    None => node,
                };
                entries.insert(key, merged);
            }
            Node::Object(entries)
        }
    })
}

/// Medusa's `normalizeQuery`: splits a top-level one-element string array on
/// commas, and turns `a.b` keys into `{a: {b}}`.
fn normalize(top: BTreeMap<String, Node>) -> Result<Map<String, Value>, QueryParseError> {
    let mut out = Map::new();
    for (key, node) in top {
        let mut value = node.into_value();
        split_single_string(&mut value);
        let Some((parent, child)) = key.split_once('.') else {
            out.insert(key, value);
            continue;
        };
        if child.contains('.') {
            return Err(QueryParseError(format!(
                "Key accessor more than 2 levels deep: {key}"
            )));
        }
        let entry = out
            .entry(parent)
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        if let Value::Object(entries) = entry {
            entries.insert(child.to_owned(), value);
        }
    }
    Ok(out)
}

fn split_single_string(value: &mut Value) {
    let Value::Array(items) = value else {
        return;
    };
    let parts: Vec<Value> = match items.as_slice() {
        [Value::String(s)] => s.split(',').map(|p| Value::String(p.to_owned())).collect(),
        _ => return,
    };
    *items = parts;
}

/// Percent-decodes `s`, reading `+` as a space. Malformed escapes are kept as
/// they are; invalid UTF-8 is replaced.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => match (
                bytes.get(i + 1).and_then(hex_digit),
                bytes.get(i + 2).and_then(hex_digit),
            ) {
                (Some(high), Some(low)) => {
                    out.push((high << 4) | low);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(decoded) => decoded,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
}

fn hex_digit(byte: &u8) -> Option<u8> {
    char::from(*byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(raw: &str) -> Value {
        Value::Object(parse_query(raw).unwrap())
    }

    fn error(raw: &str) -> String {
        parse_query(raw).unwrap_err().to_string()
    }

    #[test]
    fn plain_pairs_are_strings() {
        assert_eq!(
            parsed("handle=shirt&q=blue&limit=10&is_giftcard=true"),
            json!({"handle": "shirt", "q": "blue", "limit": "10", "is_giftcard": "true"})
        );
    }

    #[test]
    fn empty_input_and_empty_parts() {
        assert_eq!(parsed(""), json!({}));
        assert_eq!(parsed("&&"), json!({}));
        assert_eq!(parsed("=orphan&a=1&"), json!({"a": "1"}));
    }

    #[test]
    fn key_without_equals_is_empty_string() {
        assert_eq!(parsed("flag&x=1"), json!({"flag": "", "x": "1"}));
        assert_eq!(parsed("k="), json!({"k": ""}));
    }

    #[test]
    fn only_the_first_equals_splits() {
        assert_eq!(parsed("a=b=c"), json!({"a": "b=c"}));
        // `qs` splits at `]=` when present.
        assert_eq!(parsed("a[b=c]=d"), json!({"a": {"b=c": "d"}}));
    }

    #[test]
    fn repeated_keys_build_an_array() {
        assert_eq!(parsed("id=a&id=b&id=c"), json!({"id": ["a", "b", "c"]}));
        assert_eq!(parsed("id=a&id[]=b"), json!({"id": ["a", "b"]}));
    }

    #[test]
    fn empty_brackets_build_an_array() {
        assert_eq!(parsed("id[]=a&id[]=b"), json!({"id": ["a", "b"]}));
        assert_eq!(parsed("id[]=a"), json!({"id": ["a"]}));
    }

    #[test]
    fn indexed_arrays_follow_the_index() {
        assert_eq!(parsed("id[1]=b&id[0]=a"), json!({"id": ["a", "b"]}));
        // Holes are compacted.
        assert_eq!(parsed("id[7]=b&id[3]=a"), json!({"id": ["a", "b"]}));
        // A non-canonical number is an object key.
        assert_eq!(parsed("id[01]=a"), json!({"id": {"01": "a"}}));
        assert_eq!(parsed("id[-1]=a"), json!({"id": {"-1": "a"}}));
    }

    #[test]
    fn sdk_encodings() {
        assert_eq!(parsed("id%5B0%5D=a&id%5B1%5D=b"), json!({"id": ["a", "b"]}));
        assert_eq!(
            parsed("created_at%5B%24gte%5D=2024-01-01"),
            json!({"created_at": {"$gte": "2024-01-01"}})
        );
    }

    #[test]
    fn nested_objects() {
        assert_eq!(parsed("a[b][c]=v"), json!({"a": {"b": {"c": "v"}}}));
        assert_eq!(
            parsed("created_at[$gte]=2024-01-01&created_at[$lt]=2025-01-01&q=x"),
            json!({"created_at": {"$gte": "2024-01-01", "$lt": "2025-01-01"}, "q": "x"})
        );
        assert_eq!(parsed("a[b]=1&a[b]=2"), json!({"a": {"b": ["1", "2"]}}));
        assert_eq!(parsed("[a]=1"), json!({"a": "1"}));
    }

    #[test]
    fn operator_arrays_of_objects() {
        assert_eq!(
            parsed("$or[0][title]=x&$or[1][handle]=y"),
            json!({"$or": [{"title": "x"}, {"handle": "y"}]})
        );
        assert_eq!(
            parsed("$or[0][title]=x&$or[0][handle]=y"),
            json!({"$or": [{"title": "x", "handle": "y"}]})
        );
        assert_eq!(parsed("$and[][title]=x"), json!({"$and": [{"title": "x"}]}));
        assert_eq!(
            parsed("$or[0][id][$in][]=a&$or[0][id][$in][]=b"),
            json!({"$or": [{"id": {"$in": ["a", "b"]}}]})
        );
    }

    #[test]
    fn single_string_array_is_split_on_commas() {
        assert_eq!(parsed("id[]=a,b"), json!({"id": ["a", "b"]}));
        assert_eq!(parsed("id[0]=a,b,"), json!({"id": ["a", "b", ""]}));
        // Only arrays are split.
        assert_eq!(parsed("id=a,b"), json!({"id": "a,b"}));
        // Only one-element arrays are split.
        assert_eq!(parsed("id[]=a,b&id[]=c"), json!({"id": ["a,b", "c"]}));
        // Only top-level values are split, as Medusa's `normalizeQuery` does.
        assert_eq!(parsed("id[$in][]=a,b"), json!({"id": {"$in": ["a,b"]}}));
    }

    #[test]
    fn dotted_keys_up_to_two_levels() {
        assert_eq!(parsed("a.b=v"), json!({"a": {"b": "v"}}));
        assert_eq!(parsed("a.b=v&a.c=w"), json!({"a": {"b": "v", "c": "w"}}));
        assert_eq!(parsed("a.b[]=x,y"), json!({"a": {"b": ["x", "y"]}}));
        assert_eq!(parsed("a.b%5Bc%5D=v"), json!({"a": {"b": {"c": "v"}}}));
        // Dots inside brackets are kept as they are.
        assert_eq!(parsed("a[b.c.d]=v"), json!({"a": {"b.c.d": "v"}}));
    }

    #[test]
    fn dotted_keys_deeper_than_two_levels_fail() {
        assert_eq!(
            error("a.b.c=v"),
            "Key accessor more than 2 levels deep: a.b.c"
        );
    }

    #[test]
    fn percent_and_plus_decoding() {
        assert_eq!(parsed("q=hello+world%21"), json!({"q": "hello world!"}));
        assert_eq!(parsed("a+b=c%2Bd"), json!({"a b": "c+d"}));
        assert_eq!(parsed("%E2%82%AC=%C3%A9"), json!({"€": "é"}));
        assert_eq!(
            parsed("fields=%2Btitle%2C-handle"),
            json!({"fields": "+title,-handle"})
        );
        assert_eq!(parsed("fields=+title"), json!({"fields": " title"}));
        assert_eq!(parsed("q=%zz%4"), json!({"q": "%zz%4"}));
        assert_eq!(parsed("q=%FF"), json!({"q": "\u{FFFD}"}));
        assert_eq!(parsed("q=%26%3D"), json!({"q": "&="}));
    }

    #[test]
    fn nesting_depth_is_limited() {
        assert_eq!(
            parsed("a[b][c][d][e][f]=v"),
            json!({"a": {"b": {"c": {"d": {"e": {"f": "v"}}}}}})
        );
        assert!(error("a[b][c][d][e][f][g]=v").contains("more than 5 levels"));
    }

    #[test]
    fn array_index_is_limited() {
        let value = parsed("a[1000]=x");
        assert_eq!(value, json!({"a": ["x"]}));
        assert!(error("a[1001]=x").contains("above 1000"));
        assert!(error("a[99999999999999999999999999]=x").contains("above 1000"));
    }

    #[test]
    fn mixing_arrays_and_objects() {
        assert_eq!(parsed("a[0]=x&a[b]=y"), json!({"a": {"0": "x", "b": "y"}}));
        assert_eq!(parsed("a=x&a[b]=y"), json!({"a": ["x", {"b": "y"}]}));
        assert!(parse_query("a[b]=y&a=x").is_err());
    }

    #[test]
    fn error_implements_display_and_error() {
        let err = QueryParseError("bad query".to_owned());
        assert_eq!(err.to_string(), "bad query");
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert_eq!(boxed.to_string(), "bad query");
    }
}
