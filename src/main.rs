//! The derivcheck command line: with `derivcheck::testing`, the only code
//! that does file I/O. It uses only the library's public items.
//!
//! Everything here is plumbing: parse the arguments, read each file (with
//! [`derivcheck::input`]), hand
//! its text to [`derivcheck::verify_source`] on a pool of `--jobs` threads
//! with large stacks (files at once, sharing the pool), render the reports
//! with [`derivcheck::report`], write them out, and turn the summary into
//! the exit code. See docs/cli.md.
#![forbid(unsafe_code)]

/// See the `mimalloc` feature in Cargo.toml.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use derivcheck::input;
use derivcheck::outcome::{FileOutcome, Summary, EXIT_ERROR};
use derivcheck::report::{color, github, html, json, junit, latex, short, terminal, PageOptions};
use derivcheck::Options;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXIT_CODES: &str = "\
Exit codes:
  0  every claim of every file is verified (each link proved or holds)
  1  some link is false, undefined or inconclusive
  2  usage, read, parse or check error (wins over 1)";

/// Checks mathematical derivations step by step: each link of a chain of
/// equalities is proved, holds on random samples, or is false with a
/// counterexample.
#[derive(Debug, Parser)]
#[command(
    name = "derivcheck",
    version,
    arg_required_else_help = true,
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify derivation files and report every link of every claim.
    #[command(
        after_help = EXIT_CODES,
        after_long_help = concat!(
            "Examples:\n",
            "  derivcheck verify derivations/softmax.txt\n",
            "  derivcheck verify --seed 7 --samples 1000 derivations/*.txt\n",
            "  derivcheck verify --format json derivations/*.txt > report.json\n",
            "\n",
            "Exit codes:\n",
            "  0  every claim of every file is verified (each link proved or holds)\n",
            "  1  some link is false, undefined or inconclusive\n",
            "  2  usage, read, parse or check error (wins over 1)",
        )
    )]
    Verify(VerifyArgs),
    /// Typeset derivation files as an HTML page (MathML) and/or a LaTeX
    /// document, every link marked with its verdict.
    #[command(
        group(ArgGroup::new("output").required(true).multiple(true).args(["html", "latex"])),
        after_help = EXIT_CODES,
        after_long_help = concat!(
            "Examples:\n",
            "  derivcheck report derivations/backprop.txt --html backprop.html\n",
            "  derivcheck report derivations/*.txt --html report.html --latex report.tex\n",
            "\n",
            "Exit codes (as for verify):\n",
            "  0  every claim of every file is verified (each link proved or holds)\n",
            "  1  some link is false, undefined or inconclusive\n",
            "  2  usage, read, parse or check error, or a report could not be written",
        )
    )]
    Report(ReportArgs),
    /// Bring an expression to its canonical form and print it in the
    /// derivation language.
    #[command(after_long_help = concat!(
        "Examples:\n",
        "  derivcheck simplify 'exp(x[i] + c) / sum(j, exp(x[j] + c))' --with 'x : vector[n]'\n",
        "  derivcheck simplify 'log(p q)' --with 'p, q : positive' --explain\n",
        "\n",
        "Plain names that are not declared are taken to be real scalars.\n",
        "Exit codes: 0 printed; 1 a size or work limit was reached; 2 usage, read, parse or check error",
    ))]
    Simplify(CalcArgs),
    /// Differentiate an expression and print the simplified derivative in
    /// the derivation language.
    #[command(after_long_help = concat!(
        "Examples:\n",
        "  derivcheck diff '1 / (1 + exp(-x))' --wrt x\n",
        "  derivcheck diff 'log(softmax(z)[i])' --wrt 'z[j]' --with 'z : vector[n]'\n",
        "  derivcheck diff L --wrt 'W1[j, k]' --decl derivations/backprop.txt\n",
        "\n",
        "Plain names that are not declared are taken to be real scalars.\n",
        "Exit codes: 0 printed; 1 a size or work limit was reached; 2 usage, read, parse or check error",
    ))]
    Diff(DiffArgs),
    /// Grade a class: which goals of the assignment (`goal NAME: lhs =
    /// rhs` in a context file) each submission reaches, as a table
    /// student × goal (docs/grading.md).
    #[command(after_long_help = concat!(
        "Examples:\n",
        "  derivcheck grade --context examples/class/assignment.deriv examples/class/submissions\n",
        "  derivcheck grade --context hw1.deriv hw1/ --csv grades.csv --html grades.html\n",
        "\n",
        "A cell is `reached` (a chain from the goal's left side to its right side, as\n",
        "written up to notation, every link verified), `flawed` (reached through links\n",
        "that are not verified: how many, and the first one's line), `stated` (the goal\n",
        "written with no step between), `missing`, or `not read` (nothing of the file\n",
        "could be read).\n",
        "\n",
        "Exit codes:\n",
        "  0  every document reached every goal, every link verified\n",
        "  1  some goal is flawed, stated, missing or not read\n",
        "  2  usage or read error, an error in a context file, a context without goals,\n",
        "     or a table that could not be written",
    ))]
    Grade(GradeArgs),
    /// Check files again each time one is saved: clear the screen, show
    /// the report, and say which links changed verdict since the last run.
    #[command(after_long_help = concat!(
        "Examples:\n",
        "  derivcheck watch derivations/backprop.txt\n",
        "  derivcheck watch homework/ --context assignment.deriv\n",
        "\n",
        "Runs until interrupted (Ctrl-C). Exit code 2 if the files cannot be watched.",
    ))]
    Watch(WatchArgs),
    /// Run the language server (the Language Server Protocol on standard
    /// input and output), for editors: diagnostics, hover, quick fixes and
    /// verdict marks as you type (docs/editors.md).
    #[command(after_long_help = concat!(
        "An editor starts it; see editors/ for Neovim, Helix and VS Code.\n",
        "Exit codes: 0 after the client's shutdown and exit; 1 after an exit without shutdown",
    ))]
    Lsp,
    /// Print a shell completion script for derivcheck to standard output.
    #[command(after_long_help = concat!(
        "Examples:\n",
        "  derivcheck completions bash > ~/.local/share/bash-completion/completions/derivcheck\n",
        "  derivcheck completions zsh > ~/.zfunc/_derivcheck\n",
        "  derivcheck completions fish > ~/.config/fish/completions/derivcheck.fish",
    ))]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page, derivcheck(1), in roff to standard output.
    #[command(after_long_help = concat!(
        "Example:\n",
        "  derivcheck man > derivcheck.1 && man ./derivcheck.1",
    ))]
    Man,
}

#[derive(Clone, Debug, Args)]
struct WatchArgs {
    /// Files and folders to check and watch (folders with the .md, .tex,
    /// .txt and .deriv files below them).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    #[command(flatten)]
    check: CheckArgs,

    /// Show only the files and claims that are not verified, and the
    /// summary.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Debug, Args)]
struct GradeArgs {
    /// The submissions: files, or folders (walked for .md, .tex and the
    /// derivation language's files).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Print the table as `text` (aligned columns) or `csv`.
    #[arg(long, value_enum, default_value_t = GradeFormat::Text, value_name = "FORMAT")]
    format: GradeFormat,

    /// Write the table as CSV here: a header row, then a row per document
    /// (`file`, one column per goal, `false_links`, `unread_displays`).
    #[arg(long, value_name = "OUT.csv")]
    csv: Option<PathBuf>,

    /// Write the class page here, and each document's own report (HTML)
    /// into the folder of the same name without `.html`, linked from it.
    #[arg(long, value_name = "OUT.html")]
    html: Option<PathBuf>,

    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum GradeFormat {
    /// The table with aligned columns, and a line of counts.
    Text,
    /// The CSV of `--csv`.
    Csv,
}

/// The expression and declarations of `simplify` and `diff`.
#[derive(Clone, Debug, Args)]
struct CalcArgs {
    /// The expression, in the derivation language.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    expr: String,

    /// Take declarations, definitions and lets from this derivation file
    /// (its claims are ignored).
    #[arg(long, value_name = "FILE")]
    decl: Option<PathBuf>,

    /// A declaration, definition or let, as in a derivation file
    /// (`x : positive`, `f(t) := t^2`); repeat for more.
    #[arg(long = "with", value_name = "LINE")]
    with: Vec<String>,

    /// Also print the named rules that were applied, as a comment line.
    #[arg(long)]
    explain: bool,
}

/// `diff`: the expression, the variable, and the declarations.
#[derive(Clone, Debug, Args)]
struct DiffArgs {
    #[command(flatten)]
    calc: CalcArgs,

    /// The variable: a scalar `x`, or an element such as `z[j]` or `W1[j, k]`.
    #[arg(long, value_name = "VAR", allow_hyphen_values = true)]
    wrt: String,
}

/// How to check, shared by `verify` and `report`.
/// The most samples `--samples` takes: far more than any verdict needs,
/// and few enough that a file of links still finishes in minutes, not days.
const MAX_SAMPLES: i64 = 100_000;

#[derive(Clone, Debug, Args)]
struct CheckArgs {
    /// Seed of the random sampler; the same seed gives the same report.
    /// Without it, each file's seed is derived from its contents, so runs
    /// are reproducible anyway, wherever the file lies; the report shows
    /// the seed used.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,

    /// How many samples (where both sides are defined) a link must pass
    /// to hold: from 1 to 100000.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 256,
        value_parser = clap::value_parser!(u32).range(1..=MAX_SAMPLES)
    )]
    samples: u32,

    /// Threads to check with [default: the number of CPUs]: files at once,
    /// and each file's links in parallel, all sharing the threads. At most
    /// 4 per CPU are started (a larger N means that many). The report is
    /// the same whatever the number.
    #[arg(
        short,
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    jobs: Option<u32>,

    /// How to read the inputs: `md` (Markdown with `$$` math), `tex`
    /// (LaTeX) or `deriv` (the derivation language) [default: by each
    /// file's extension: .md/.markdown, .tex, anything else the
    /// derivation language]. Needed for standard input in Markdown or
    /// LaTeX.
    #[arg(long, value_name = "KIND", value_parser = ["md", "tex", "deriv"])]
    input: Option<String>,

    /// A file in the derivation language whose declarations, definitions
    /// and lets every Markdown or LaTeX input starts from (one per
    /// assignment); repeatable. Its own errors are reported under its name.
    #[arg(long, value_name = "FILE")]
    context: Vec<PathBuf>,

    /// Also check inline math of Markdown and LaTeX documents (`$…$`,
    /// `\(…\)`) that holds an `=`, as a chain like a display's. Off by
    /// default: inline math mostly names things.
    #[arg(long)]
    inline: bool,
}

#[derive(Clone, Debug, Args)]
struct ReportArgs {
    /// Derivation files to typeset, in order; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Write a self-contained HTML page (MathML, inline CSS, no script)
    /// here; `-` writes it to standard output.
    #[arg(long, value_name = "OUT.html")]
    html: Option<PathBuf>,

    /// Write a LaTeX document (pdflatex, amsmath) here; `-` writes it to
    /// standard output.
    #[arg(long, value_name = "OUT.tex")]
    latex: Option<PathBuf>,

    /// The title and heading of the page and the document (default:
    /// "derivcheck report").
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,

    /// In the LaTeX document, list under each proved link the rules that
    /// proved it (the HTML page always has them, folded).
    #[arg(long)]
    trace: bool,

    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Clone, Debug, Args)]
struct VerifyArgs {
    /// Files to check, in order: derivations (.txt, .deriv) or Markdown
    /// and LaTeX documents (.md, .tex); a directory stands for those below
    /// it; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Report format: `text` for people, `json` for programs (docs/json.md),
    /// `github` and `junit` for CI (docs/reports.md), `short` for editors
    /// (one `path:line:col: kind: message` line per finding).
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    format: Format,

    #[command(flatten)]
    check: CheckArgs,

    /// Show only the files and claims that are not verified, and the
    /// summary.
    #[arg(short, long)]
    quiet: bool,

    /// Under each proved link, name the rules that proved it (text
    /// report; the JSON report always has them as `trace`).
    #[arg(long)]
    explain: bool,

    /// When to colour the text report: `auto` colours a terminal unless
    /// NO_COLOR is set; `always` and `never` override.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    color: Color,

    /// A display of a Markdown or LaTeX document that cannot be read is
    /// an error (exit 2), not only counted in the summary.
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Per claim, each link with its verdict; a summary line.
    Text,
    /// One JSON document for the whole run.
    Json,
    /// GitHub Actions `::error` annotations, one per link not verified.
    Github,
    /// JUnit XML: a test suite per file, a test case per claim.
    Junit,
    /// One `path:line:col: kind: message` line per finding, for editors'
    /// quickfix lists.
    Short,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Color {
    /// Colour a terminal, unless NO_COLOR is set or TERM is dumb.
    Auto,
    /// Colour even into pipes and files.
    Always,
    /// Never colour.
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are "errors" to clap that exit 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_ERROR));
        }
    };
    ExitCode::from(match cli.command {
        Command::Verify(args) => verify(&args),
        Command::Report(args) => typeset(&args),
        Command::Simplify(args) => calculate(&args, None),
        Command::Diff(args) => calculate(&args.calc, Some(&args.wrt)),
        Command::Grade(args) => grade(&args),
        Command::Watch(args) => watch(&args),
        Command::Lsp => derivcheck::lsp::serve_stdio(),
        Command::Completions { shell } => completions(shell),
        Command::Man => man_page(),
    })
}

/// Writes the completion script for `shell` (generated from the same
/// argument definitions as the parser, so it cannot go stale).
fn completions(shell: clap_complete::Shell) -> u8 {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "derivcheck", &mut out);
    write_stdout(&out)
}

/// Writes the man page derivcheck(1), generated from the argument
/// definitions like `--help`, with a section per subcommand.
fn man_page() -> u8 {
    use clap::CommandFactory;
    let mut command = Cli::command();
    command.build();
    let mut out = Vec::new();
    let page = clap_mangen::Man::new(command.clone());
    if page.render(&mut out).is_err() {
        return EXIT_ERROR;
    }
    // clap_mangen renders one page per command; the subcommands' options
    // go after the main page's, each under its own heading.
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("derivcheck {}", sub.get_name());
        out.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let sub = sub.clone();
        let mut part = Vec::new();
        if clap_mangen::Man::new(sub.clone())
            .render_description_section(&mut part)
            .and_then(|()| clap_mangen::Man::new(sub.clone()).render_synopsis_section(&mut part))
            .and_then(|()| clap_mangen::Man::new(sub).render_options_section(&mut part))
            .is_err()
        {
            return EXIT_ERROR;
        }
        // Their sections become subsections of the subcommand's.
        let part = String::from_utf8_lossy(&part).replace(".SH ", ".SS ");
        out.extend_from_slice(part.as_bytes());
    }
    write_stdout(&out)
}

/// Writes bytes to standard output; exit code 2 if that fails (a closed
/// pipe, a full disk).
fn write_stdout(bytes: &[u8]) -> u8 {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => 0,
        Err(_) => EXIT_ERROR,
    }
}

/// Runs `simplify` (no variable) or `diff` and returns the exit code.
fn calculate(args: &CalcArgs, wrt: Option<&str>) -> u8 {
    let mut text = String::new();
    let mut name = String::from("--with");
    if let Some(path) = &args.decl {
        match input::read_file(path) {
            Ok(t) => text = t,
            Err(e) => {
                let config = term_config(stderr_color(), false, false);
                let _ = io::stderr().write_all(terminal::render_read_error(&e, &config).as_bytes());
                return EXIT_ERROR;
            }
        }
        name = path.display().to_string();
    }
    append_with_lines(&mut text, &args.with);
    let decls = derivcheck::calc::Declarations {
        name: &name,
        text: &text,
    };
    // A panic is a bug in derivcheck: say so rather than crash.
    let result = std::panic::catch_unwind(|| match wrt {
        Some(w) => derivcheck::calc::differentiate(decls, &args.expr, w),
        None => derivcheck::calc::simplify(decls, &args.expr),
    })
    .ok();
    match result {
        Some(Ok(calc)) => {
            let mut out = calc.text;
            out.push('\n');
            if args.explain {
                let rules = if calc.rules.is_empty() {
                    "none".to_string()
                } else {
                    calc.rules.join(", ")
                };
                out.push_str(&format!("# rules: {rules}\n"));
            }
            let _ = io::stdout().write_all(out.as_bytes());
            0
        }
        Some(Err(e)) => {
            let config = term_config(stderr_color(), false, false);
            let rendered =
                terminal::render_diagnostic(&e.source_name, &e.source, &e.diagnostic, &config);
            let _ = io::stderr().write_all(rendered.as_bytes());
            if e.diagnostic.message.starts_with("inconclusive") {
                1
            } else {
                EXIT_ERROR
            }
        }
        None => {
            let _ = writeln!(io::stderr(), "error: internal error: the calculation did not finish; this is a bug in derivcheck");
            EXIT_ERROR
        }
    }
}

/// Appends the `--with` lines to the declarations' text, one per line. The
/// first `--with` line is line 1 when there is no `--decl` file, so an error
/// in it reads `--with:1:5`; after a `--decl` file, the lines follow its
/// last line.
fn append_with_lines(text: &mut String, lines: &[String]) {
    for line in lines {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(line);
        text.push('\n');
    }
}

/// Whether to colour what goes to standard error (auto rules, NO_COLOR).
fn stderr_color() -> bool {
    use_color(color::ColorChoice::Auto, io::stderr().is_terminal())
}

/// Whether to colour a stream, from the choice, whether the stream is a
/// terminal, and `NO_COLOR` / `TERM`.
fn use_color(choice: color::ColorChoice, is_terminal: bool) -> bool {
    // A value that is not UTF-8 still counts as set (NO_COLOR=<bytes>).
    let env = |name: &str| {
        std::env::var_os(name).map(|v| v.to_str().map(str::to_owned).unwrap_or_else(|| "?".into()))
    };
    color::use_color(
        choice,
        is_terminal,
        env("NO_COLOR").as_deref(),
        env("TERM").as_deref(),
    )
}

/// Runs `verify` and returns the exit code.
fn verify(args: &VerifyArgs) -> u8 {
    let choice = match args.color {
        Color::Auto => color::ColorChoice::Auto,
        Color::Always => color::ColorChoice::Always,
        Color::Never => color::ColorChoice::Never,
    };
    let color = |is_terminal: bool| use_color(choice, is_terminal);
    let stdout_color = color(io::stdout().is_terminal());
    let stderr_color = color(io::stderr().is_terminal());

    let outcomes = check_all(&args.files, &args.check);
    if args.format != Format::Text {
        for outcome in &outcomes {
            if let FileOutcome::Unreadable(e) = outcome {
                // stdout is for the JSON document; people watching the
                // run still deserve to hear that a file was skipped.
                let line = terminal::render_read_error(
                    e,
                    &term_config(stderr_color, args.quiet, args.explain),
                );
                let _ = io::stderr().write_all(line.as_bytes());
            }
        }
    }

    let summary = Summary::of(&outcomes);
    let code = if args.strict {
        summary.exit_code_strict()
    } else {
        summary.exit_code()
    };
    let output = match args.format {
        Format::Text => terminal::render(
            &outcomes,
            &term_config(stdout_color, args.quiet, args.explain),
        ),
        Format::Json => {
            let run = json::RunInfo {
                samples: args.check.samples,
                seed: args.check.seed,
            };
            match json::render(&outcomes, &run) {
                Ok(s) => s,
                Err(e) => {
                    let _ = writeln!(io::stderr(), "error: cannot write the JSON report: {e}");
                    return EXIT_ERROR;
                }
            }
        }
        Format::Github => github::render(&outcomes),
        Format::Junit => junit::render(&outcomes),
        Format::Short => short::render(&outcomes),
    };
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => code,
        // `derivcheck verify ... | head` is not a failure of derivcheck.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            let _ = writeln!(
                io::stderr(),
                "error: cannot write the report: {}",
                input::io_reason(&e)
            );
            EXIT_ERROR
        }
    }
}

/// Runs `watch`: checks, shows the report and what changed, waits for a
/// save, and again, until interrupted. Returns the exit code of a watch
/// that could not start or stopped.
fn watch(args: &WatchArgs) -> u8 {
    // Watching starts before the first check, so a save during it is not
    // missed.
    let watch = match derivcheck::watch::Watch::new(&args.paths) {
        Ok(w) => w,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {e}");
            return EXIT_ERROR;
        }
    };
    let is_terminal = io::stdout().is_terminal();
    let config = term_config(
        use_color(color::ColorChoice::Auto, is_terminal),
        args.quiet,
        false,
    );
    let mut last: Option<Vec<FileOutcome>> = None;
    loop {
        let outcomes = check_all(&args.paths, &args.check);
        let mut out = String::new();
        if is_terminal {
            // Clear the screen and go home: each run replaces the last.
            out.push_str("\x1b[2J\x1b[H");
        }
        out.push_str(&terminal::render(&outcomes, &config));
        if let Some(before) = &last {
            out.push_str(&derivcheck::watch::render_changes(
                &derivcheck::watch::changes(before, &outcomes),
            ));
        }
        out.push_str("watching for changes (Ctrl-C to stop)\n");
        let mut stdout = io::stdout().lock();
        if stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return EXIT_ERROR;
        }
        drop(stdout);
        last = Some(outcomes);
        if !watch.wait(std::time::Duration::from_millis(100)) {
            let _ = writeln!(io::stderr(), "error: the watch on the files stopped");
            return EXIT_ERROR;
        }
    }
}

/// Runs `report`: checks the files, writes the HTML and LaTeX documents,
/// and says on standard output (standard error when a document goes to
/// standard output) how it went. Returns the exit code.
fn typeset(args: &ReportArgs) -> u8 {
    let outcomes = check_all(&args.files, &args.check);
    let mut code = Summary::of(&outcomes).exit_code();
    let to_stdout = [&args.html, &args.latex]
        .iter()
        .any(|p| p.as_deref() == Some(Path::new("-")));
    let mut notes = String::new();
    let options = PageOptions::new(args.title.clone(), args.trace);
    let documents = [
        (
            &args.html,
            html::render_with as fn(&[FileOutcome], &PageOptions) -> String,
        ),
        (&args.latex, latex::render_with),
    ];
    for (path, render) in documents {
        let Some(path) = path else { continue };
        let Some(text) = render_deep(|o| render(o, &options), &outcomes) else {
            let _ = writeln!(
                io::stderr(),
                "error: internal error while typesetting {}; this is a bug in derivcheck",
                path.display()
            );
            code = EXIT_ERROR;
            continue;
        };
        let written = if path == Path::new("-") {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
        } else {
            std::fs::write(path, text.as_bytes())
        };
        match written {
            Ok(()) if path != Path::new("-") => {
                notes.push_str(&format!("wrote {}\n", path.display()));
            }
            Ok(()) => {}
            Err(e) => {
                write_error(path, &e);
                code = EXIT_ERROR;
            }
        }
    }
    notes.push_str(&terminal::render_summary(
        &Summary::of(&outcomes),
        &terminal::Config::default(),
    ));
    let _ = if to_stdout {
        io::stderr().write_all(notes.as_bytes())
    } else {
        io::stdout().write_all(notes.as_bytes())
    };
    code
}

/// Typesets (the renderers keep to a big stack of their own). `None` if
/// typesetting panicked (a bug), so that the other document is still
/// written.
fn render_deep(
    render: impl Fn(&[FileOutcome]) -> String + std::panic::UnwindSafe,
    outcomes: &[FileOutcome],
) -> Option<String> {
    std::panic::catch_unwind(move || render(outcomes)).ok()
}

/// Says on stderr that `path` could not be written, in the words every
/// I/O message uses.
fn write_error(path: &Path, e: &io::Error) {
    let _ = writeln!(
        io::stderr(),
        "error: cannot write {}: {}",
        path.display(),
        input::io_reason(e)
    );
}

/// The terminal renderer's settings.
fn term_config(color: bool, quiet: bool, explain: bool) -> terminal::Config {
    let mut config = terminal::Config::default();
    config.color = color;
    config.quiet = quiet;
    config.explain = explain;
    config
}

/// Reads and verifies every file on a pool of `--jobs` threads (see
/// [`derivcheck::check_files`]): the outcomes come in the order of `files`,
/// whatever order the threads finish in.
fn check_all(files: &[PathBuf], check: &CheckArgs) -> Vec<FileOutcome> {
    let mut options = Options::default();
    options.samples = check.samples;
    options.seed = check.seed;
    if let Some(jobs) = check.jobs {
        options.threads = jobs as usize;
    }
    options.input = check
        .input
        .as_deref()
        .and_then(derivcheck::InputKind::from_flag);
    options.inline = check.inline;
    // Each context file is checked on its own first, so that its errors
    // name it; only a context file with something to report is listed.
    let mut outcomes = Vec::new();
    for path in &check.context {
        let shown = path.to_string_lossy().into_owned();
        match input::read_file(path) {
            Ok(text) => {
                let mut alone = options.clone();
                alone.input = Some(derivcheck::InputKind::Deriv);
                let report = derivcheck::verify_source(&shown, &text, &alone);
                if !report.verified() {
                    outcomes.push(FileOutcome::Checked {
                        source: text.clone(),
                        report,
                    });
                }
                options.context.push((shown, text));
            }
            Err(e) => outcomes.push(FileOutcome::Unreadable(e)),
        }
    }
    outcomes.extend(derivcheck::check_files(&input::walk(files), &options));
    outcomes
}

/// Runs `grade`: reads the context (its goals), grades every submission,
/// prints the table and writes the CSV and the class page. Returns the
/// exit code.
fn grade(args: &GradeArgs) -> u8 {
    use derivcheck::grade;
    let mut options = Options::default();
    options.samples = args.check.samples;
    options.seed = args.check.seed;
    if let Some(jobs) = args.check.jobs {
        options.threads = jobs as usize;
    }
    options.input = args
        .check
        .input
        .as_deref()
        .and_then(derivcheck::InputKind::from_flag);
    options.inline = args.check.inline;
    let config = term_config(stderr_color(), true, false);
    // A context with an error would grade against the wrong goals: say so
    // and stop.
    let mut broken = false;
    for path in &args.check.context {
        let shown = path.to_string_lossy().into_owned();
        match input::read_file(path) {
            Ok(text) => {
                let mut alone = options.clone();
                alone.input = Some(derivcheck::InputKind::Deriv);
                let report = derivcheck::verify_source(&shown, &text, &alone);
                if !report.errors.is_empty() {
                    let outcome = FileOutcome::Checked {
                        source: text.clone(),
                        report,
                    };
                    let _ =
                        io::stderr().write_all(terminal::render(&[outcome], &config).as_bytes());
                    broken = true;
                }
                options.context.push((shown, text));
            }
            Err(e) => {
                let _ = io::stderr().write_all(terminal::render_read_error(&e, &config).as_bytes());
                broken = true;
            }
        }
    }
    if broken {
        return EXIT_ERROR;
    }
    if grade::goal_names(&options).is_empty() {
        let _ = writeln!(
            io::stderr(),
            "error: no goal to grade: a context file (--context) states each as `goal NAME: lhs = rhs`"
        );
        return EXIT_ERROR;
    }
    let grades = grade::grade_files(&input::walk(&args.paths), &options);
    let mut code = if grades.all_reached() { 0 } else { 1 };
    for d in &grades.docs {
        if let FileOutcome::Unreadable(e) = &d.outcome {
            let _ = io::stderr().write_all(terminal::render_read_error(e, &config).as_bytes());
            code = EXIT_ERROR;
        }
    }
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    if let Some(path) = &args.csv {
        writes.push((path.clone(), grade::render::csv(&grades)));
    }
    if let Some(path) = &args.html {
        // The students' reports go in a folder named after the page.
        let dir = path.with_extension("");
        let dir_name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        writes.push((path.clone(), grade::render::html(&grades, &dir_name)));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            let _ = writeln!(
                io::stderr(),
                "error: cannot create {}: {}",
                dir.display(),
                input::io_reason(&e)
            );
            return EXIT_ERROR;
        }
        for (d, name) in grades.docs.iter().zip(grade::render::report_names(&grades)) {
            match render_deep(html::render, std::slice::from_ref(&d.outcome)) {
                Some(page) => writes.push((dir.join(name), page)),
                None => {
                    let _ = writeln!(
                        io::stderr(),
                        "error: internal error while typesetting the report of {}; this is a bug in derivcheck",
                        d.path
                    );
                    code = EXIT_ERROR;
                }
            }
        }
    }
    for (path, text) in writes {
        if let Err(e) = std::fs::write(&path, text.as_bytes()) {
            write_error(&path, &e);
            code = EXIT_ERROR;
        }
    }
    let table = match args.format {
        GradeFormat::Text => grade::render::text(&grades),
        GradeFormat::Csv => grade::render::csv(&grades),
    };
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(table.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            let _ = writeln!(
                io::stderr(),
                "error: cannot write the table: {}",
                input::io_reason(&e)
            );
            EXIT_ERROR
        }
        _ => code,
    }
}
