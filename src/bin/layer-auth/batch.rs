//! Line-at-a-time work on every core, streamed: a reader thread reads bounded chunks of
//! lines, a worker thread maps each chunk on the rayon pool, and the calling thread hands
//! the results out in input order. Channels between the three hold at most two chunks each;
//! a chunk holds at most [`CHUNK`] lines and [`CHUNK_BYTES`] bytes, and no line is kept past
//! the caller's limit (a batch handed to the pool is one chunk at most, coalesced from
//! smaller ones), so memory stays flat in lines and in bytes whatever the input, and
//! output line N answers input line N. A chunk ends early when no whole line more is buffered, so
//! a slow producer (`tail -f`, a co-process) gets each answer as soon as its line is in.

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::time::Duration;

use anyhow::Context as _;
use rayon::prelude::*;

/// Lines per chunk: enough to keep every core busy, small enough to keep memory flat.
const CHUNK: usize = 1024;
/// Bytes per chunk: with [`DEPTH`] chunks queued at each of two stages, a few tens of MiB
/// at most, however long the lines.
pub const CHUNK_BYTES: usize = 4 * 1024 * 1024;
/// Chunks in flight between two stages.
const DEPTH: usize = 2;
/// How often a worker waiting on a quiet input looks whether the consumer has stopped.
const POLL: Duration = Duration::from_millis(50);

/// One input line, without its line ending: its bytes, or only its length when it is longer
/// than the limit (the rest of it is read past, never kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// The whole line.
    Text(&'a [u8]),
    /// A line of this many bytes, over the limit.
    TooLong(usize),
}

enum Owned {
    Text(usize, Vec<u8>),
    TooLong(usize, usize),
}

impl Owned {
    fn number(&self) -> usize {
        match self {
            Self::Text(n, _) | Self::TooLong(n, _) => *n,
        }
    }

    fn line(&self) -> Line<'_> {
        match self {
            Self::Text(_, bytes) => Line::Text(bytes),
            Self::TooLong(_, len) => Line::TooLong(*len),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Self::Text(_, bytes) => bytes.len(),
            Self::TooLong(..) => 0,
        }
    }
}

/// Runs `work` on every line of `input` (with its 1-based number) on every core, and calls
/// `emit` on this thread with each line number and result, in input order. Lines longer than
/// `max_line` bytes reach `work` as [`Line::TooLong`]. A line on its own (one token) is worked on without
/// starting the thread pool. `emit`'s third argument is true for the last result of a chunk:
/// the moment to flush, so that answers leave as their lines come in. When `emit` fails
/// (stdout closed), this returns its error at once, even while `input` is waiting for more
/// (`tail -f`): the reader is left to the end of the process.
pub fn for_each_line<T: Send>(
    input: impl Read + Send + 'static,
    max_line: usize,
    work: impl Fn(usize, Line<'_>) -> T + Sync,
    mut emit: impl FnMut(usize, T, bool) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut input = BufReader::with_capacity(256 * 1024, input);
    let mut numbers = 1_usize..;
    let first = read_chunk(&mut input, max_line, &mut numbers)?;
    let (lines_tx, lines_rx) = sync_channel::<Vec<Owned>>(DEPTH);
    // Not scoped: a read blocked on a quiet pipe must not hold up a consumer that stopped.
    let reader = std::thread::spawn(move || -> anyhow::Result<()> {
        let mut chunk = first;
        while !chunk.is_empty() {
            if lines_tx.send(chunk).is_err() {
                return Ok(()); // the consumer stopped (closed stdout): stop reading
            }
            chunk = read_chunk(&mut input, max_line, &mut numbers)?;
        }
        Ok(())
    });
    let stopped = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (results_tx, results_rx) = sync_channel::<Vec<(usize, T)>>(DEPTH);
        let (work, stopped) = (&work, &stopped);
        scope.spawn(move || work_batches(&lines_rx, &results_tx, stopped, work));
        for results in &results_rx {
            let last = results.len();
            for (i, (line_no, result)) in results.into_iter().enumerate() {
                if let Err(error) = emit(line_no, result, i + 1 == last) {
                    // The worker stops at its next chunk or within a poll of the quiet reader.
                    stopped.store(true, Ordering::Relaxed);
                    return Err(error);
                }
            }
        }
        Ok(())
    })?;
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the input reader stopped unexpectedly"))?
}

/// Maps each batch of `lines` with `work` (on the pool, unless it is a lone line) and sends
/// the results on, until either channel closes or the consumer has `stopped`.
fn work_batches<T: Send>(
    lines: &Receiver<Vec<Owned>>,
    results: &SyncSender<Vec<(usize, T)>>,
    stopped: &AtomicBool,
    work: &(impl Fn(usize, Line<'_>) -> T + Sync),
) {
    let mut next: Option<Vec<Owned>> = None;
    while let Some(batch) = next_batch(lines, &mut next, stopped) {
        let one = |l: &Owned| (l.number(), work(l.number(), l.line()));
        // A lone line (one token) never starts the thread pool.
        let done: Vec<(usize, T)> = if batch.len() == 1 {
            batch.iter().map(one).collect()
        } else {
            batch.par_iter().map(one).collect()
        };
        drop(batch);
        if results.send(done).is_err() {
            return;
        }
    }
}

/// The next batch: `next` (a chunk held back last time) or the next chunk, with as many
/// chunks already waiting as fit in one chunk's bounds. A fast producer so gives the pool
/// big batches, and a slow one gets its line answered at once.
fn next_batch(
    lines: &Receiver<Vec<Owned>>,
    next: &mut Option<Vec<Owned>>,
    stopped: &AtomicBool,
) -> Option<Vec<Owned>> {
    let mut batch = match next.take() {
        Some(chunk) => chunk,
        None => loop {
            match lines.recv_timeout(POLL) {
                Ok(chunk) => break chunk,
                Err(RecvTimeoutError::Timeout) if !stopped.load(Ordering::Relaxed) => {}
                Err(_) => return None,
            }
        },
    };
    let mut bytes: usize = batch.iter().map(Owned::bytes).sum();
    while let Ok(more) = lines.try_recv() {
        let more_bytes: usize = more.iter().map(Owned::bytes).sum();
        if batch.len() + more.len() > CHUNK || bytes + more_bytes > CHUNK_BYTES {
            *next = Some(more);
            break;
        }
        bytes += more_bytes;
        batch.extend(more);
    }
    Some(batch)
}

/// Up to [`CHUNK`] lines or [`CHUNK_BYTES`] bytes, without their `\n` or `\r\n`, ending
/// early when no whole line more is buffered (so a slow producer is not kept waiting); empty at the
/// end of the input.
fn read_chunk<R: Read>(
    input: &mut BufReader<R>,
    max_line: usize,
    numbers: &mut std::ops::RangeFrom<usize>,
) -> anyhow::Result<Vec<Owned>> {
    let mut lines = Vec::with_capacity(64);
    let mut bytes = 0;
    while lines.len() < CHUNK && bytes < CHUNK_BYTES {
        let Some(line) = read_line(input, max_line, numbers)? else {
            break;
        };
        bytes += line.bytes();
        lines.push(line);
        // No whole line is buffered: the next may be a while (a producer that stopped
        // mid-line), so this chunk's lines are answered first.
        if memchr::memchr(b'\n', input.buffer()).is_none() {
            break;
        }
    }
    Ok(lines)
}

/// One line without its ending, or the length of a line over `max_line` bytes (the rest of
/// it read past, never kept); `None` at the end of input.
fn read_line<R: Read>(
    input: &mut BufReader<R>,
    max_line: usize,
    numbers: &mut std::ops::RangeFrom<usize>,
) -> anyhow::Result<Option<Owned>> {
    let mut line = Vec::new();
    // Room for `\r\n` past the limit tells "too long" from "just fits".
    let cap = max_line as u64 + 2;
    let read = (&mut *input)
        .take(cap)
        .read_until(b'\n', &mut line)
        .context("reading the input")?;
    if read == 0 {
        return Ok(None);
    }
    let number = numbers.next().unwrap_or(usize::MAX);
    let ended = line.last() == Some(&b'\n');
    if !ended && read as u64 == cap {
        let (rest, last) = skip_line(input).context("reading the input")?;
        let last = if rest == 0 {
            line.last().copied()
        } else {
            last
        };
        let len = line.len() + rest - usize::from(last == Some(b'\r'));
        return Ok(Some(Owned::TooLong(number, len)));
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    if line.len() > max_line {
        return Ok(Some(Owned::TooLong(number, line.len())));
    }
    Ok(Some(Owned::Text(number, line)))
}

/// Reads past the rest of a line: the bytes skipped before its `\n` (or the end of input),
/// and the last of them.
fn skip_line<R: Read>(input: &mut BufReader<R>) -> std::io::Result<(usize, Option<u8>)> {
    let mut skipped = 0;
    let mut last = None;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok((skipped, last));
        }
        if let Some(at) = buffer.iter().position(|&b| b == b'\n') {
            if at > 0 {
                last = Some(buffer[at - 1]);
            }
            input.consume(at + 1);
            return Ok((skipped + at, last));
        }
        last = buffer.last().copied();
        let n = buffer.len();
        input.consume(n);
        skipped += n;
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

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
