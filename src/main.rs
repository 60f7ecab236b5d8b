//! The `sohoa` command: parses arguments, runs the library, renders results, maps outcomes to
//! exit codes (see [`app::exit`]). Everything else lives in the library.

mod app;

fn main() -> std::process::ExitCode {
    app::ensure_single_threaded_engines();
    app::limit_heap_arenas();
    app::die_on_broken_pipe();
    app::main()
}
