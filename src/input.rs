//! Reading derivation files and standard input, and describing what went
//! wrong when that fails: used by the command line and by [`crate::testing`]
//! alike, so that both say the same thing about the same failure.

use std::io::{self, Read};
use std::path::Path;

/// How standard input (`-` on the command line) is named in reports.
pub const STDIN_NAME: &str = "<stdin>";

/// The largest input read, file or standard input, in bytes (64 MiB):
/// far past any derivation (2.5 million declarations are about 40 MB),
/// and a bound on memory when something endless is piped in.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Why a file could not be read, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadError {
    /// The path as given.
    pub path: String,
    /// What went wrong, without the path ("no such file or directory").
    pub message: String,
    /// Where the first byte that is not UTF-8 stands, for such files.
    pub invalid_utf8: Option<BytePosition>,
}

/// A position in a file that could not be decoded, for pointing at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BytePosition {
    /// 0-based byte offset.
    pub byte: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters of the valid text before it.
    pub col: usize,
}

impl ReadError {
    /// Describes an I/O error from opening or reading `path`, in
    /// [`io_reason`]'s words.
    pub fn from_io(path: &str, error: &io::Error) -> ReadError {
        ReadError {
            path: path.to_string(),
            message: io_reason(error),
            invalid_utf8: None,
        }
    }

    /// The error for a path that names a directory where a file is
    /// needed (`report`, `--decl`).
    pub fn is_directory(path: &str) -> ReadError {
        ReadError {
            path: path.to_string(),
            message: "is a directory, not a file".to_string(),
            invalid_utf8: None,
        }
    }

    /// The error for an input larger than [`MAX_INPUT_BYTES`].
    pub fn too_large(path: &str) -> ReadError {
        ReadError {
            path: path.to_string(),
            message: format!(
                "is larger than the input size limit of {} MiB",
                MAX_INPUT_BYTES >> 20
            ),
            invalid_utf8: None,
        }
    }

    /// The error for a directory given to `verify` that holds nothing to
    /// check.
    pub fn no_inputs(path: &str) -> ReadError {
        ReadError {
            path: path.to_string(),
            message: "is a directory with no .md, .markdown, .tex, .txt or .deriv file in it"
                .to_string(),
            invalid_utf8: None,
        }
    }
}

/// Why an I/O operation on a file failed, in the words every message uses,
/// reading or writing: short and lower case for the common kinds, the
/// operating system's own words (without its error number) otherwise.
pub fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "is a directory, not a file".to_string(),
        io::ErrorKind::NotADirectory => "a component of the path is not a directory".to_string(),
        io::ErrorKind::StorageFull => "no space left on the device".to_string(),
        io::ErrorKind::ReadOnlyFilesystem => "read-only file system".to_string(),
        _ => {
            let text = error.to_string();
            let text = match text.rfind(" (os error ") {
                Some(at) if text.ends_with(')') => text[..at].to_string(),
                _ => text,
            };
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "unknown error".to_string(),
            }
        }
    }
}

/// Reads and decodes the file at `path` (see [`decode`]). Errors name the
/// file by its path as given, made UTF-8.
pub fn read_file(path: &Path) -> Result<String, ReadError> {
    let shown = path.to_string_lossy();
    // Said up front: reading a directory fails differently on each system.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(ReadError::is_directory(&shown)),
        Ok(meta) if meta.len() > MAX_INPUT_BYTES => Err(ReadError::too_large(&shown)),
        // Read with the limit too: a special file (a pipe, /dev/zero)
        // reports no length.
        Ok(meta) => std::fs::File::open(path)
            .and_then(|f| read_limited(f, meta.len()))
            .map_err(|e| ReadError::from_io(&shown, &e))
            .and_then(|bytes| bytes.ok_or_else(|| ReadError::too_large(&shown)))
            .and_then(|bytes| decode(&shown, bytes)),
        Err(e) => Err(ReadError::from_io(&shown, &e)),
    }
}

/// All of `reader`'s bytes, or `None` when there are more than
/// [`MAX_INPUT_BYTES`]: reading stops there, so memory stays bounded
/// whatever is piped in.
///
/// `size` is the length the reader is expected to have (0 when unknown): the
/// buffer is sized for it up front, as grown by doubling it could hold
/// twice the text (a file of millions of declarations, issue #14).
fn read_limited(reader: impl Read, size: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::with_capacity(size.min(MAX_INPUT_BYTES) as usize);
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_INPUT_BYTES).then_some(bytes))
}

/// The files to check for `paths` as given: a directory stands for the
/// files below it whose extension names an input kind (`.md`,
/// `.markdown`, `.tex`, `.txt`, `.deriv`), in sorted order; anything else
/// stands for itself (and is reported if it cannot be read). A directory
/// that cannot be listed, or holds no such file, stands for itself, and
/// [`read_input`] reports it.
pub fn walk(paths: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() != "-" && path.is_dir() {
            let mut found = Vec::new();
            if walk_dir(path, &mut found, 0) && !found.is_empty() {
                found.sort();
                out.extend(found);
                continue;
            }
        }
        out.push(path.clone());
    }
    out
}

/// How deep `walk` follows directories: far past any real project, short
/// of a cycle of links.
const MAX_WALK_DEPTH: usize = 64;

/// Collects the inputs below `dir`; false if `dir` cannot be listed.
fn walk_dir(dir: &Path, found: &mut Vec<std::path::PathBuf>, depth: usize) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth < MAX_WALK_DEPTH {
                walk_dir(&path, found, depth + 1);
            }
        } else if crate::document::InputKind::from_path(&path).is_some() {
            found.push(path);
        }
    }
    true
}

/// [`read_file`] for `verify`'s inputs: a directory left by [`walk`] holds
/// nothing to check.
pub fn read_input(path: &Path) -> Result<String, ReadError> {
    if path.is_dir() {
        return Err(ReadError::no_inputs(&path.to_string_lossy()));
    }
    read_file(path)
}

/// Reads every input of a run, in order, as (name shown, text): `-` is
/// standard input (named [`STDIN_NAME`]), read once however often it is
/// named; anything else goes through [`read_input`].
pub fn read_inputs(paths: &[std::path::PathBuf]) -> Vec<Result<(String, String), ReadError>> {
    let stdin = paths.iter().any(|p| p.as_os_str() == "-").then(read_stdin);
    paths
        .iter()
        .map(|path| match (path.as_os_str() == "-", &stdin) {
            (true, Some(read)) => read.clone().map(|text| (STDIN_NAME.to_string(), text)),
            _ => {
                let shown = path.to_string_lossy().into_owned();
                read_input(path).map(|text| (shown, text))
            }
        })
        .collect()
}

/// Reads and decodes all of standard input, named [`STDIN_NAME`]; more
/// than [`MAX_INPUT_BYTES`] is an error, found without reading further.
pub fn read_stdin() -> Result<String, ReadError> {
    let bytes = read_limited(io::stdin().lock(), 0)
        .map_err(|e| ReadError::from_io(STDIN_NAME, &e))?
        .ok_or_else(|| ReadError::too_large(STDIN_NAME))?;
    decode(STDIN_NAME, bytes)
}

/// Turns a file's bytes into the text to verify.
///
/// A leading UTF-8 byte-order mark is dropped (editors on Windows write
/// one); anything that is not UTF-8 is an error that says at which byte,
/// line and column, because the user has to find it in an editor.
pub fn decode(path: &str, mut bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let utf8 = e.utf8_error();
        let valid = utf8.valid_up_to();
        let bad_len = utf8.error_len().unwrap_or(bytes.len() - valid);
        let bad = bytes
            .get(valid..valid + bad_len)
            .unwrap_or(&[])
            .iter()
            .map(|b| format!("0x{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ");
        // The prefix up to `valid` is UTF-8 by definition.
        let before = std::str::from_utf8(bytes.get(..valid).unwrap_or(&[])).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let what = if utf8.error_len().is_none() {
            "an incomplete UTF-8 sequence"
        } else {
            "invalid UTF-8"
        };
        ReadError {
            path: path.to_string(),
            message: format!(
                "not a UTF-8 text file: {what} ({bad}) at byte {valid} (line {line}, column {col})"
            ),
            invalid_utf8: Some(BytePosition {
                byte: valid,
                line,
                col,
            }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn reading_stops_past_the_size_limit() {
        let limit = MAX_INPUT_BYTES;
        let exact = read_limited(io::repeat(b'x').take(limit), 0).unwrap();
        assert_eq!(exact.map(|b| b.len() as u64), Some(limit));
        // An endless reader ends too: one byte past the limit is enough.
        assert_eq!(read_limited(io::repeat(b'x'), 0).unwrap(), None);
        assert_eq!(
            ReadError::too_large("<stdin>").message,
            "is larger than the input size limit of 64 MiB"
        );
    }

    #[test]
    fn decode_drops_a_byte_order_mark() {
        assert_eq!(
            decode("f", b"\xEF\xBB\xBFx = 1".to_vec()),
            Ok("x = 1".into())
        );
    }

    #[test]
    fn decode_says_where_the_bad_byte_is() {
        let e = decode("f.txt", b"ab\nc\xCE\xB1d\xFFe".to_vec()).unwrap_err();
        assert_eq!(
            e.invalid_utf8,
            Some(BytePosition {
                byte: 7,
                line: 2,
                col: 4
            })
        );
        assert_eq!(
            e.message,
            "not a UTF-8 text file: invalid UTF-8 (0xff) at byte 7 (line 2, column 4)"
        );
    }

    #[test]
    fn decode_reports_a_truncated_sequence_at_the_end() {
        let e = decode("f.txt", b"x\xE2\x88".to_vec()).unwrap_err();
        assert_eq!(
            e.message,
            "not a UTF-8 text file: an incomplete UTF-8 sequence (0xe2 0x88) at byte 1 \
             (line 1, column 2)"
        );
    }

    #[test]
    fn io_errors_in_short_words() {
        let said = |kind, text: &str| io_reason(&io::Error::new(kind, text.to_string()));
        assert_eq!(
            said(io::ErrorKind::NotFound, "x"),
            "no such file or directory"
        );
        assert_eq!(
            said(io::ErrorKind::Other, "Disk quota exceeded (os error 122)"),
            "disk quota exceeded"
        );
        assert_eq!(
            io_reason(&io::Error::from(io::ErrorKind::IsADirectory)),
            "is a directory, not a file"
        );
    }

    #[test]
    fn missing_files_and_directories_are_read_errors() {
        let e = read_file(Path::new("no/such/file.txt")).unwrap_err();
        assert_eq!(e.message, "no such file or directory");
        assert_eq!(e.path, "no/such/file.txt");
        let e = read_file(Path::new("src")).unwrap_err();
        assert_eq!(e, ReadError::is_directory("src"));
    }
}
