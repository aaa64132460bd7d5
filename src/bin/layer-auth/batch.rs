//! Line-at-a-time work on every core, streamed: a reader thread reads bounded chunks of
//! lines, the calling thread hands each chunk to the rayon pool as its own job (a few ahead
//! of the one it waits for, so that the pool never runs dry between chunks) and hands the
//! results out in input order. A chunk holds at most [`CHUNK`] lines and [`CHUNK_BYTES`]
//! bytes, no line is kept past the caller's limit, and at most [`WINDOW_PER_THREAD`] chunks
//! a pool thread (never more than [`MAX_WINDOW`]), and [`DEPTH`] more read ahead, are held at
//! once, so memory stays flat in lines and in bytes whatever the input, and output line N
//! answers input line N. There is no pause between chunks: the pool always has the next
//! ones queued, and a thread that runs out takes pieces of another's chunk. A chunk
//! ends early when no whole line more is buffered, so a slow producer (`tail -f`, a
//! co-process) gets each answer as soon as its line is in.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};

use anyhow::Context as _;
use rayon::prelude::*;

/// Lines per chunk: a job small enough that the last ones of a stream spread over every
/// core, big enough that handing it over costs nothing beside its work.
const CHUNK: usize = 256;
/// Lines of a chunk one thread takes at a time: small enough that a thread that runs out of
/// chunks always finds a piece of another's to take (16 tokens are about 0.3 ms of work).
const PIECE: usize = 16;
/// Bytes per chunk: with at most [`MAX_WINDOW`] chunks in flight, a few tens of MiB at most,
/// however long the lines.
pub const CHUNK_BYTES: usize = 1024 * 1024;
/// Chunks read ahead of the ones handed to the pool.
const DEPTH: usize = 2;
/// Chunks handed to the pool and not yet answered, per pool thread (plus two): enough work
/// queued to keep every thread busy while this thread waits to be scheduled and answers the
/// oldest. Measured on 2 cores: with 2 a thread, one core idled 3% of the time (waiting
/// for the oldest chunk's answer to be taken); with 4, under 1%.
const WINDOW_PER_THREAD: usize = 4;
/// The most chunks in flight, whatever the number of cores.
const MAX_WINDOW: usize = 64;

/// One input line, without its line ending: its bytes, or only its length when it is longer
/// than the limit (the rest of it is read past, never kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// The whole line.
    Text(&'a [u8]),
    /// A line of this many bytes, over the limit.
    TooLong(usize),
}

/// Lines read together: their bytes back to back in one buffer (one allocation a chunk, not
/// one a line), and where each line is in it.
struct Chunk {
    /// The number of the first line (1-based).
    first: usize,
    /// The lines' bytes, without their endings.
    text: Vec<u8>,
    lines: Vec<Span>,
}

/// Where a line of a [`Chunk`] is.
#[derive(Debug, Clone, Copy)]
enum Span {
    /// Its bytes are `text[start..end]`.
    Text { start: usize, end: usize },
    /// A line of this many bytes, over the limit (not kept).
    TooLong(usize),
}

impl Chunk {
    fn len(&self) -> usize {
        self.lines.len()
    }

    fn line(&self, i: usize) -> Line<'_> {
        match self.lines[i] {
            Span::Text { start, end } => Line::Text(&self.text[start..end]),
            Span::TooLong(len) => Line::TooLong(len),
        }
    }
}

/// Runs `work` on every line of `input` (with its 1-based number) on every core, and calls
/// `emit` on this thread with each line number and result, in input order. Lines longer than
/// `max_line` bytes reach `work` as [`Line::TooLong`]. Lines that come one at a time (one
/// token, a slow producer) are worked on here, without starting the thread pool, until a
/// chunk of more than one line comes. `emit`'s third argument is true for the last result of
/// a chunk: the moment to flush, so that answers leave as their lines come in. When `emit`
/// fails (stdout closed), this returns its error as soon as the chunks already handed to the
/// pool are done (their lines are skipped, not worked), even while `input` is waiting for
/// more (`tail -f`): the reader is left to the end of the process.
pub fn for_each_line<T: Send>(
    input: impl Read + Send + 'static,
    max_line: usize,
    work: impl Fn(usize, Line<'_>) -> T + Sync,
    mut emit: impl FnMut(usize, T, bool) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut input = BufReader::with_capacity(256 * 1024, input);
    let first = read_chunk(&mut input, max_line, 1, (0, 0))?;
    let (lines_tx, lines_rx) = sync_channel::<Chunk>(DEPTH);
    // Not scoped: a read blocked on a quiet pipe must not hold up a consumer that stopped.
    let reader = std::thread::spawn(move || -> anyhow::Result<()> {
        let mut chunk = first;
        while chunk.len() > 0 {
            let next = chunk.first + chunk.len();
            let size = (chunk.text.len(), chunk.len());
            if lines_tx.send(chunk).is_err() {
                return Ok(()); // the consumer stopped (closed stdout): stop reading
            }
            chunk = read_chunk(&mut input, max_line, next, size)?;
        }
        Ok(())
    });
    // Lone lines first, here: the pool starts with the first chunk of more than one line.
    let mut chunk = None;
    for lone in &lines_rx {
        if lone.len() > 1 {
            chunk = Some(lone);
            break;
        }
        for i in 0..lone.len() {
            let number = lone.first + i;
            emit(number, work(number, lone.line(i)), true)?;
        }
    }
    if let Some(chunk) = chunk {
        on_the_pool(chunk, &lines_rx, &work, &mut emit)?;
    }
    drop(lines_rx);
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the input reader stopped unexpectedly"))?
}

/// Hands `first` and every chunk after it from `lines` to the pool, keeping a window of
/// chunks in flight, and emits their results in order.
fn on_the_pool<T: Send>(
    first: Chunk,
    lines: &Receiver<Chunk>,
    work: &(impl Fn(usize, Line<'_>) -> T + Sync),
    emit: &mut impl FnMut(usize, T, bool) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let stopped = AtomicBool::new(false);
    let stopped = &stopped;
    rayon::in_place_scope(|scope| {
        let window = (WINDOW_PER_THREAD * rayon::current_num_threads() + 2).min(MAX_WINDOW);
        let mut in_flight = VecDeque::with_capacity(window);
        let hand = |chunk: Chunk| {
            let (done_tx, done_rx) = sync_channel::<(usize, Vec<T>)>(1);
            scope.spawn(move |_| {
                let done = if stopped.load(Ordering::Relaxed) {
                    Vec::new()
                } else {
                    (0..chunk.len())
                        .into_par_iter()
                        .with_max_len(PIECE)
                        .map(|i| work(chunk.first + i, chunk.line(i)))
                        .collect()
                };
                let first = chunk.first;
                drop(chunk); // the lines go before their answers are sent on
                // The receiver is gone only when the run stopped.
                let _ = done_tx.send((first, done));
            });
            done_rx
        };
        in_flight.push_back(hand(first));
        let mut reading = true;
        loop {
            // Hand over what has been read, up to the window; wait for input only when
            // nothing is in flight.
            while reading && in_flight.len() < window {
                let next = if in_flight.is_empty() {
                    lines.recv().ok()
                } else {
                    match lines.try_recv() {
                        Ok(chunk) => Some(chunk),
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => None,
                    }
                };
                match next {
                    Some(chunk) => in_flight.push_back(hand(chunk)),
                    None => reading = false,
                }
            }
            let Some(oldest) = in_flight.pop_front() else {
                return Ok(());
            };
            // A job that panicked drops its sender; the scope passes the panic on.
            let Ok((first, results)) = oldest.recv() else {
                return Ok(());
            };
            let last = results.len();
            for (i, result) in results.into_iter().enumerate() {
                if let Err(error) = emit(first + i, result, i + 1 == last) {
                    // The jobs in flight skip their lines; the scope waits for them.
                    stopped.store(true, Ordering::Relaxed);
                    return Err(error);
                }
            }
        }
    })
}

/// Up to [`CHUNK`] lines or [`CHUNK_BYTES`] bytes, numbered from `first`, without their
/// `\n` or `\r\n`, ending early when no whole line more is buffered (so a slow producer is not
/// kept waiting); empty at the end of the input. `like` is the size of the chunk before, in
/// bytes and lines: room for as much is made at once (the next is most often alike), not
/// grown into, which would copy the chunk again and again.
fn read_chunk<R: Read>(
    input: &mut BufReader<R>,
    max_line: usize,
    first: usize,
    like: (usize, usize),
) -> anyhow::Result<Chunk> {
    let mut chunk = Chunk {
        first,
        text: Vec::with_capacity(like.0),
        lines: Vec::with_capacity(like.1),
    };
    while chunk.len() < CHUNK && chunk.text.len() < CHUNK_BYTES {
        if !read_line(input, max_line, &mut chunk).context("reading the input")? {
            break;
        }
        // No whole line is buffered: the next may be a while (a producer that stopped
        // mid-line), so this chunk's lines are answered first.
        if memchr::memchr(b'\n', input.buffer()).is_none() {
            break;
        }
    }
    Ok(chunk)
}

/// Appends one line to `chunk`: its bytes without its ending, or only its length when it
/// has more than `max_line` bytes (the rest read past, never kept). False at the end of input.
fn read_line<R: Read>(
    input: &mut BufReader<R>,
    max_line: usize,
    chunk: &mut Chunk,
) -> std::io::Result<bool> {
    let start = chunk.text.len();
    // Bytes of the line so far, and its last one. Room for `\r\n` past the limit tells "too
    // long" from "just fits"; past it, bytes are only counted.
    let (mut len, mut last) = (0, None);
    let keep = max_line.saturating_add(2);
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            if len == 0 {
                return Ok(false);
            }
            break;
        }
        let (piece, used, ended) = match memchr::memchr(b'\n', buffer) {
            Some(at) => (&buffer[..at], at + 1, true),
            None => (buffer, buffer.len(), false),
        };
        if len < keep {
            let room = keep - len;
            chunk
                .text
                .extend_from_slice(&piece[..piece.len().min(room)]);
        }
        len += piece.len();
        last = piece.last().copied().or(last);
        input.consume(used);
        if ended {
            break;
        }
    }
    let span = if len >= keep {
        // Too long: its length without a `\r` before the `\n`.
        chunk.text.truncate(start);
        Span::TooLong(len - usize::from(last == Some(b'\r')))
    } else {
        while chunk.text.len() > start && chunk.text.last() == Some(&b'\r') {
            chunk.text.pop();
        }
        let end = chunk.text.len();
        if end - start > max_line {
            chunk.text.truncate(start);
            Span::TooLong(end - start)
        } else {
            Span::Text { start, end }
        }
    };
    chunk.lines.push(span);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::time::Duration;

    use super::*;

    const MAX: usize = 1024 * 1024;

    fn text(_: usize, line: Line<'_>) -> String {
        match line {
            Line::Text(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Line::TooLong(len) => format!("too long: {len}"),
        }
    }

    fn numbered(count: usize) -> Vec<(usize, String)> {
        let input: String = (0..count).map(|i| format!("{i}\r\n")).collect();
        let mut seen = Vec::new();
        for_each_line(Cursor::new(input), MAX, text, |n, v, _| {
            seen.push((n, v));
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn keeps_order_and_numbers_lines_across_chunks() {
        for count in [0, 1, 7, CHUNK - 1, CHUNK, 5 * CHUNK + 3] {
            let seen = numbered(count);
            assert_eq!(seen.len(), count);
            assert!(
                seen.iter()
                    .all(|(n, v)| v.parse::<usize>().unwrap() + 1 == *n)
            );
        }
    }

    #[test]
    fn work_sees_each_line_with_its_number() {
        let mut seen = Vec::new();
        for_each_line(
            &b"a\n\nb\n"[..],
            MAX,
            |n, l| (n, text(n, l)),
            |n, v, _| {
                seen.push((n, v));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            seen,
            [
                (1, (1, "a".into())),
                (2, (2, String::new())),
                (3, (3, "b".into()))
            ]
        );
    }

    #[test]
    fn a_line_longer_than_the_limit_is_named_by_its_real_length_and_the_next_line_kept() {
        for (long, ending) in [
            (10, "\n"),
            (10, "\r\n"),
            (MAX + 10, "\n"),
            (3 * MAX, "\r\n"),
        ] {
            let input = format!("{}{ending}next\n{}", "x".repeat(long), "y".repeat(8));
            let mut seen = Vec::new();
            for_each_line(Cursor::new(input), 8, text, |_, v, _| {
                seen.push(v);
                Ok(())
            })
            .unwrap();
            assert_eq!(
                seen,
                [
                    format!("too long: {long}"),
                    "next".into(),
                    "yyyyyyyy".into()
                ]
            );
        }
    }

    #[test]
    fn lines_split_across_reads_are_read_as_whole_lines() {
        // Lines of every kind (empty, `\r\n`, several `\r`, just under, at and over the
        // limit, a last line without an ending), fed in pieces cut at every few bytes, read
        // as a plain split on `\n` reads them.
        let limit = 6;
        let input = "a\n\nbc\r\nd\r\r\nsixsix\nsixsix\r\nseven77\n8888888\r\n\
                     nineninenine\nx\r\r\r\r\r\r\r\r\nlast";
        let expected: Vec<String> = input
            .split('\n')
            .map(|raw| {
                let stripped = raw.trim_end_matches('\r');
                if raw.len() >= limit + 2 {
                    format!("too long: {}", raw.len() - usize::from(raw.ends_with('\r')))
                } else if stripped.len() > limit {
                    format!("too long: {}", stripped.len())
                } else {
                    stripped.to_owned()
                }
            })
            .collect();
        for cut in 1..=9 {
            let (tx, rx) = sync_channel::<Vec<u8>>(input.len());
            for piece in input.as_bytes().chunks(cut) {
                tx.send(piece.to_vec()).unwrap();
            }
            drop(tx);
            let mut seen = Vec::new();
            for_each_line(
                Pipe {
                    rx,
                    held: Vec::new(),
                },
                limit,
                text,
                |n, value, _| {
                    assert_eq!(n, seen.len() + 1);
                    seen.push(value);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(seen, expected, "pieces of {cut} bytes");
        }
    }

    #[test]
    fn chunks_stay_within_their_byte_budget_however_long_the_lines() {
        // 40 lines of 512 KiB: by line count one chunk, by bytes at least five.
        let line = vec![b'x'; 512 * 1024];
        let input: Vec<u8> = (0..40)
            .flat_map(|_| line.iter().copied().chain([b'\n']))
            .collect();
        let (mut in_chunk, mut chunks, mut widest) = (0usize, 0, 0);
        for_each_line(
            Cursor::new(input),
            MAX,
            |_, l| matches!(l, Line::Text(_)),
            |_, kept, end| {
                assert!(kept);
                in_chunk += 1;
                if end {
                    widest = widest.max(in_chunk * line.len());
                    chunks += 1;
                    in_chunk = 0;
                }
                Ok(())
            },
        )
        .unwrap();
        assert!(chunks >= 5, "{chunks} chunks");
        assert!(
            widest <= CHUNK_BYTES + line.len(),
            "a chunk held {widest} bytes"
        );
    }

    #[test]
    fn lines_that_finish_out_of_order_are_answered_in_order_and_the_window_holds() {
        use std::sync::atomic::AtomicUsize;
        // Every seventh line is slow, so later chunks finish before earlier ones, and the
        // answers are taken slowly, so the workers would run far ahead if nothing held them.
        let count = 40 * CHUNK + 5;
        let input: String = (0..count).map(|i| format!("{i}\n")).collect();
        let worked = AtomicUsize::new(0);
        let window = (WINDOW_PER_THREAD * rayon::current_num_threads() + 2).min(MAX_WINDOW);
        let (mut next, mut widest) = (1, 0);
        for_each_line(
            Cursor::new(input),
            MAX,
            |n, line| {
                if n % 7 == 0 {
                    std::thread::sleep(Duration::from_micros(50));
                }
                worked.fetch_add(1, Ordering::SeqCst);
                text(n, line)
            },
            |n, value, _| {
                if n % 64 == 0 {
                    std::thread::sleep(Duration::from_millis(1));
                }
                assert_eq!((n, value.parse::<usize>().unwrap() + 1), (next, next));
                widest = widest.max(worked.load(Ordering::SeqCst) + 1 - next);
                next += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(next, count + 1);
        assert!(
            widest <= window * CHUNK,
            "{widest} lines worked ahead of the answers, over the window of {window} chunks"
        );
    }

    #[test]
    fn lone_lines_are_answered_one_by_one_before_a_chunk_starts_the_pool() {
        // A producer that writes one line and waits for its answer before the next, then
        // writes the rest at once: every lone line gets its answer with end of chunk set.
        let (tx, rx) = sync_channel::<Vec<u8>>(0);
        let (answered_tx, answered_rx) = sync_channel::<usize>(16);
        let producer = std::thread::spawn(move || {
            for i in 0..3 {
                tx.send(format!("{i}\n").into_bytes()).unwrap();
                assert_eq!(answered_rx.recv().unwrap(), i + 1);
            }
            let rest: String = (3..3 + 2 * CHUNK).map(|i| format!("{i}\n")).collect();
            tx.send(rest.into_bytes()).unwrap();
        });
        let mut seen = Vec::new();
        for_each_line(
            Pipe {
                rx,
                held: Vec::new(),
            },
            MAX,
            text,
            |n, value, end| {
                if n <= 3 {
                    assert!(end, "line {n} should end its chunk");
                    answered_tx.send(n).unwrap();
                }
                seen.push(value);
                Ok(())
            },
        )
        .unwrap();
        producer.join().unwrap();
        let expected: Vec<String> = (0..3 + 2 * CHUNK).map(|i| i.to_string()).collect();
        assert_eq!(seen, expected);
    }

    /// A reader fed by a channel: each message arrives as one read, and the end of the
    /// channel is the end of input.
    struct Pipe {
        rx: Receiver<Vec<u8>>,
        held: Vec<u8>,
    }

    impl Read for Pipe {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.held.is_empty() {
                match self.rx.recv() {
                    Ok(bytes) => self.held = bytes,
                    Err(_) => return Ok(0),
                }
            }
            let n = buf.len().min(self.held.len());
            buf[..n].copy_from_slice(&self.held[..n]);
            self.held.drain(..n);
            Ok(n)
        }
    }

    #[test]
    fn an_emit_error_stops_the_run_and_is_returned() {
        let input: String = (0..3 * CHUNK).map(|i| format!("{i}\n")).collect();
        let result = for_each_line(
            Cursor::new(input),
            MAX,
            |_, _| (),
            |n, (), _| {
                anyhow::ensure!(n < 10, "stop");
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "stop");
    }
}
