//! `${VAR}` interpolation in the raw text of `medusa-config.toml`.
//!
//! Expansion happens before TOML parsing so that parse errors still point at the
//! right line. Values are escaped for a TOML basic string, so `${VAR}` belongs
//! inside double quotes: `url = "${DATABASE_URL}"` (or bare, for numbers:
//! `port = ${PORT:-9000}`). `${VAR:-default}` gives a default when the variable
//! is unset or empty, and `$${` is a literal `${`. Comments and 'literal'
//! strings are left as they are.

use std::path::Path;

use super::ConfigError;

/// Where the scanner is in the TOML text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Code,
    Comment,
    Basic,
    MultiBasic,
    Literal,
    MultiLiteral,
}

/// Expands every `${VAR}` in `text`, reading variables through `lookup`.
pub fn interpolate(
    text: &str,
    path: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let mut out = String::with_capacity(text.len());
    let mut ctx = Context::Code;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let expands = matches!(ctx, Context::Code | Context::Basic | Context::MultiBasic);
        if expands && rest.starts_with("$${") {
            out.push_str("${");
            i += 3;
            continue;
        }
        if expands && rest.starts_with("${") {
            let line = line_of(text, i);
            let unterminated = || ConfigError::UnterminatedVariable {
                path: path.to_path_buf(),
                line,
            };
            let end = rest.find('}').ok_or_else(unterminated)?;
            let expr = &rest[2..end];
            if expr.contains('\n') {
                return Err(unterminated());
            }
            let (name, default) = match expr.split_once(":-") {
                Some((name, default)) => (name.trim(), Some(default)),
                None => (expr.trim(), None),
            };
            let value = lookup(name)
                .filter(|v| !v.is_empty())
                .or_else(|| default.map(str::to_owned))
                .ok_or_else(|| ConfigError::MissingVariable {
                    path: path.to_path_buf(),
                    line,
                    var: name.to_owned(),
                })?;
            push_escaped(&mut out, &value);
            i += end + 1;
            continue;
        }
        let (next, consumed) = step(ctx, rest);
        out.push_str(&rest[..consumed]);
        ctx = next;
        i += consumed;
    }
    Ok(out)
}

/// Advances over one token of `rest` in `ctx`: the new context and the bytes consumed.
fn step(ctx: Context, rest: &str) -> (Context, usize) {
    let one_char = rest.chars().next().map_or(1, char::len_utf8);
    match ctx {
        Context::Code if rest.starts_with(r#"""""#) => (Context::MultiBasic, 3),
        Context::Code if rest.starts_with("'''") => (Context::MultiLiteral, 3),
        Context::Code if rest.starts_with('"') => (Context::Basic, 1),
        Context::Code if rest.starts_with('\'') => (Context::Literal, 1),
        Context::Code if rest.starts_with('#') => (Context::Comment, 1),
        Context::Comment if rest.starts_with('\n') => (Context::Code, 1),
        Context::Basic | Context::MultiBasic if rest.starts_with('\\') => {
            (ctx, 1 + rest[1..].chars().next().map_or(0, char::len_utf8))
        }
        Context::Basic if rest.starts_with('"') || rest.starts_with('\n') => (Context::Code, 1),
        Context::MultiBasic if rest.starts_with(r#"""""#) => (Context::Code, 3),
        Context::Literal if rest.starts_with('\'') || rest.starts_with('\n') => (Context::Code, 1),
        Context::MultiLiteral if rest.starts_with("'''") => (Context::Code, 3),
        _ => (ctx, one_char),
    }
}

fn line_of(text: &str, byte_offset: usize) -> usize {
    text[..byte_offset].matches('\n').count() + 1
}

/// Escapes a value so it can stand inside a TOML basic string without changing
/// the line structure of the file.
fn push_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "DB" => Some("postgres://u@h/db".into()),
            "QUOTED" => Some("a\"b\\c".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn run(text: &str) -> Result<String, ConfigError> {
        interpolate(text, Path::new("medusa-config.toml"), &env)
    }

    #[test]
    fn expands_set_variables() {
        assert_eq!(
            run(r#"url = "${DB}""#).ok().as_deref(),
            Some(r#"url = "postgres://u@h/db""#)
        );
    }

    #[test]
    fn uses_default_when_unset_or_empty() {
        assert_eq!(run("${NOPE:-x}${EMPTY:-y}").ok().as_deref(), Some("xy"));
    }

    #[test]
    fn escapes_values_for_basic_strings() {
        assert_eq!(run("\"${QUOTED}\"").ok().as_deref(), Some(r#""a\"b\\c""#));
    }

    #[test]
    fn keeps_literal_dollars() {
        assert_eq!(
            run("cost = \"$5 $${X}\"").ok().as_deref(),
            Some("cost = \"$5 ${X}\"")
        );
    }

    #[test]
    fn leaves_comments_and_literal_strings_alone() {
        let text = "# use ${VAR} here\nurl = '${NOPE}' # ${ALSO}\nx = \"${DB}\"";
        assert_eq!(
            run(text).ok().as_deref(),
            Some("# use ${VAR} here\nurl = '${NOPE}' # ${ALSO}\nx = \"postgres://u@h/db\"")
        );
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        assert_eq!(
            run(r#"a = "q\" ${DB}""#).ok().as_deref(),
            Some(r#"a = "q\" postgres://u@h/db""#)
        );
    }

    #[test]
    fn names_missing_variable_and_line() {
        let err = run("a = 1\nb = \"${MISSING}\"").err();
        assert!(matches!(
            err,
            Some(ConfigError::MissingVariable { line: 2, ref var, .. }) if var == "MISSING"
        ));
    }

    #[test]
    fn reports_unterminated_expression() {
        assert!(matches!(
            run("x = \"${OOPS\"\ny = 1"),
            Err(ConfigError::UnterminatedVariable { line: 1, .. })
        ));
    }
}
