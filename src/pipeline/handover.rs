//! The hand-over between a worker's feeder and its engine. Light items (a file's end, a
//! blank page, a file that needed no engine) pass at once, so the feeder goes on to the
//! next file while the engine still reads the last page of this one. Prepared pages are
//! bounded by one token: the feeder decodes and prepares a page only while holding it, and
//! gets it back when the engine takes the page it sent. A worker thus holds at most the
//! page its engine reads and the next one (in a multi-page file, also the one after it,
//! which the decoder has read before it is handed over).

use std::cell::Cell;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};

use super::feed::{Fed, FedPage, FeedSink};
use super::plan::FileTask;

/// A file's item as it travels from feeder to engine.
pub type Item<'p> = (&'p FileTask, Fed);

/// The feeder's end.
pub struct Feeder<'p> {
    items: Sender<Item<'p>>,
    /// One token: the right to prepare a page.
    room: Receiver<()>,
    /// Whether the feeder holds the token (taken for a page that turned out blank, or for
    /// a file that failed to decode, it serves the next page).
    holding: Cell<bool>,
    /// Set once the engine's end is gone.
    closed: Cell<bool>,
}

/// The engine's end: the items in the order they were fed.
pub struct Engine<'p> {
    items: Receiver<Item<'p>>,
    room: SyncSender<()>,
}

/// A connected pair of ends.
pub fn handover<'p>() -> (Feeder<'p>, Engine<'p>) {
    let (items_tx, items_rx) = channel();
    let (room_tx, room_rx) = sync_channel(1);
    // The first page may be prepared at once.
    let _ = room_tx.send(());
    (
        Feeder {
            items: items_tx,
            room: room_rx,
            holding: Cell::new(false),
            closed: Cell::new(false),
        },
        Engine {
            items: items_rx,
            room: room_tx,
        },
    )
}

impl<'p> Feeder<'p> {
    /// Whether the engine's end is gone (nothing more should be fed).
    pub fn closed(&self) -> bool {
        self.closed.get()
    }

    /// A sink feeding `task`'s items.
    pub fn for_task<'a>(&'a self, task: &'p FileTask) -> TaskSink<'a, 'p> {
        TaskSink { feeder: self, task }
    }
}

/// Feeds the items of one file.
pub struct TaskSink<'a, 'p> {
    feeder: &'a Feeder<'p>,
    task: &'p FileTask,
}

impl FeedSink for TaskSink<'_, '_> {
    fn await_room(&mut self) -> bool {
        if self.feeder.holding.get() {
            return true;
        }
        let ok = self.open(self.feeder.room.recv().is_ok());
        self.feeder.holding.set(ok);
        ok
    }

    fn send(&mut self, fed: Fed) -> bool {
        if matches!(fed, Fed::Page(FedPage::Ready(_))) {
            self.feeder.holding.set(false);
        }
        self.open(self.feeder.items.send((self.task, fed)).is_ok())
    }
}

impl TaskSink<'_, '_> {
    fn open(&self, ok: bool) -> bool {
        if !ok {
            self.feeder.closed.set(true);
        }
        ok
    }
}

impl<'p> Iterator for Engine<'p> {
    type Item = Item<'p>;

    fn next(&mut self) -> Option<Item<'p>> {
        let item = self.items.recv().ok()?;
        if matches!(item.1, Fed::Page(FedPage::Ready(_))) {
            // Taken: the feeder may prepare the next page while this one is read.
            let _ = self.room.try_send(());
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::PageImage;
    use crate::model::FileKey;
    use crate::pipeline::plan::Action;
    use crate::prep::{prepare, PrepOptions};
    use crate::walk::SourceFile;

    fn task() -> FileTask {
        FileTask {
            key: FileKey {
                collection: "c".into(),
                dossier: "d".into(),
                rel_path: "d/a.png".into(),
            },
            source: SourceFile {
                rel_path: "d/a.png".into(),
                path: "d/a.png".into(),
                disk_name: None,
                size: 1,
                mtime_ns: 0,
                page_name: true,
                refused: None,
                twin: None,
            },
            action: Action::New,
        }
    }

    fn page() -> PageImage {
        PageImage {
            index: 0,
            width: 40,
            height: 40,
            pixels: vec![255; 1600],
            dpi: None,
        }
    }

    fn ready() -> Fed {
        Fed::Page(FedPage::Ready(Box::new(prepare(
            page(),
            &PrepOptions::default(),
        ))))
    }

    #[test]
    fn light_items_pass_freely_and_one_prepared_page_waits_at_most() {
        let task = task();
        let (feeder, mut engine) = handover();
        let mut sink = feeder.for_task(&task);
        assert!(sink.await_room(), "the first page may be prepared at once");
        assert!(
            sink.await_room(),
            "the token is held until a prepared page is sent"
        );
        assert!(sink.send(Fed::Page(FedPage::Blank(page()))));
        assert!(sink.await_room(), "a blank page does not use it");
        assert!(sink.send(ready()));
        assert!(
            feeder.room.try_recv().is_err(),
            "no room until the engine takes it"
        );
        for _ in 0..3 {
            assert!(sink.send(Fed::Page(FedPage::Blank(page()))));
        }
        assert!(engine.next().is_some(), "the blank page");
        assert!(
            feeder.room.try_recv().is_err(),
            "a blank page gives no room back"
        );
        assert!(engine.next().is_some(), "the prepared page");
        assert!(
            feeder.room.try_recv().is_ok(),
            "room again once it is taken"
        );
        assert_eq!(engine.by_ref().take(3).count(), 3);
        drop(engine);
        assert!(!feeder.closed());
        assert!(
            !sink.await_room(),
            "an engine that stopped ends the feeding"
        );
        assert!(feeder.closed());
        assert!(!sink.send(Fed::Page(FedPage::Blank(page()))));
    }
}
