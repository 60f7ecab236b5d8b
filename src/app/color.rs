//! Colour where it helps an operator see trouble at a glance: failures red, "at risk" yellow,
//! search matches bold. Whether to colour is decided once, by `anstream` (the crate clap
//! itself uses): `--color always|never` wins, else `NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR`
//! and whether the stream is a terminal. Text written to a file is never coloured.

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};

use super::cli::ColorArg;

/// Record `--color` for every stream of this process.
pub fn choose(arg: ColorArg) {
    let choice = match arg {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    };
    choice.write_global();
}

/// Whether text for one stream is coloured, and the styles used on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paint(bool);

impl Paint {
    /// Plain text: for files, JSON and tests.
    pub const PLAIN: Paint = Paint(false);

    /// Coloured whatever the stream: for tests.
    #[cfg(test)]
    pub fn always() -> Paint {
        Paint(true)
    }

    pub fn stdout() -> Paint {
        Paint(AutoStream::choice(&std::io::stdout()) != ColorChoice::Never)
    }

    pub fn stderr() -> Paint {
        Paint(AutoStream::choice(&std::io::stderr()) != ColorChoice::Never)
    }

    /// A failure or a late target.
    pub fn bad(self, text: &str) -> String {
        self.style(text, AnsiColor::Red.on_default().bold())
    }

    /// Something to watch: at risk, interrupted.
    pub fn warn(self, text: &str) -> String {
        self.style(text, AnsiColor::Yellow.on_default().bold())
    }

    /// A target reached or on track.
    pub fn good(self, text: &str) -> String {
        self.style(text, AnsiColor::Green.on_default())
    }

    /// The escape codes that open and close bold text, empty when plain.
    pub fn bold_marks(self) -> Option<(String, String)> {
        let bold = Style::new().bold();
        self.0
            .then(|| (bold.render().to_string(), bold.render_reset().to_string()))
    }

    fn style(self, text: &str, style: Style) -> String {
        if self.0 {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_left_as_it_is_and_colour_wraps_it() {
        assert_eq!(Paint::PLAIN.bad("lỗi 2"), "lỗi 2");
        assert_eq!(Paint::PLAIN.bold_marks(), None);
        let red = Paint(true).bad("lỗi 2");
        assert!(red.starts_with("\x1b[") && red.contains("lỗi 2") && red.ends_with("\x1b[0m"));
        assert_ne!(Paint(true).warn("x"), Paint(true).bad("x"));
    }
}
