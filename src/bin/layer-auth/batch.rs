//! Line-at-a-time work on every core, streamed: a reader thread reads bounded chunks of
//! lines, a worker thread maps each chunk on the rayon pool, and the calling thread hands
//! the results out in input order. Channels between the three hold at most two chunks each,
//! and lines are capped at [`MAX_LINE`], so memory stays flat whatever the input, and output
//! line N answers input line N. A chunk ends early when no more input is buffered, so a slow
//! producer (`tail -f`, a co-process) gets each answer as soon as its line is in.

use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::sync_channel;

use anyhow::Context as _;
use rayon::prelude::*;

/// Lines per chunk: enough to keep every core busy, small enough to keep memory flat.
const CHUNK: usize = 1024;
/// Chunks in flight between two stages.
const DEPTH: usize = 2;
/// Longest line kept: far past any token (64 KiB) or batch line; the rest of a longer line is
/// skipped, and the kept part fails as too large.
pub const MAX_LINE: usize = 1024 * 1024;

/// Runs `work` on every line of `input` (without its line ending) on every core, and calls
/// `emit` on this thread with each 1-based line number and result, in input order. A line
/// on its own (one token) is worked on without starting the thread pool.
/// `emit`'s third argument is true for the last result of a chunk: the moment to flush, so
/// that answers leave as their lines come in.
pub fn for_each_line<T: Send>(
    input: impl Read + Send,
    work: impl Fn(&[u8]) -> T + Sync,
    mut emit: impl FnMut(usize, T, bool) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut input = BufReader::with_capacity(1024 * 1024, input);
    let first = read_chunk(&mut input)?;
    std::thread::scope(|scope| {
        let (lines_tx, lines_rx) = sync_channel::<Vec<Vec<u8>>>(DEPTH);
        let (results_tx, results_rx) = sync_channel::<Vec<T>>(DEPTH);
        let reader = scope.spawn(move || -> anyhow::Result<()> {
            let mut chunk = first;
            while !chunk.is_empty() {
                if lines_tx.send(chunk).is_err() {
                    return Ok(()); // the consumer stopped (closed stdout): stop reading
                }
                chunk = read_chunk(&mut input)?;
            }
            Ok(())
        });
        let work = &work;
        scope.spawn(move || {
            while let Ok(mut chunk) = lines_rx.recv() {
                // A fast producer has more lines ready: take them, so the pool gets big
                // batches; a slow one gets its line answered at once.
                while chunk.len() < CHUNK {
                    match lines_rx.try_recv() {
                        Ok(more) => chunk.extend(more),
                        Err(_) => break,
                    }
                }
                // A lone line (one token) never starts the thread pool.
                let results: Vec<T> = if chunk.len() == 1 {
                    chunk.iter().map(|l| work(l)).collect()
                } else {
                    chunk.par_iter().map(|l| work(l)).collect()
                };
                if results_tx.send(results).is_err() {
                    return;
                }
            }
        });
        let mut line_no = 0;
        for results in results_rx {
            let last = results.len();
            for (i, result) in results.into_iter().enumerate() {
                line_no += 1;
                emit(line_no, result, i + 1 == last)?;
            }
        }
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("the input reader stopped unexpectedly"))?
    })
}

/// Up to [`CHUNK`] lines, without their `\n` or `\r\n`, ending early when nothing more is
/// buffered (so a slow producer is not kept waiting); empty at the end of the input.
fn read_chunk<R: Read>(input: &mut BufReader<R>) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut lines = Vec::with_capacity(CHUNK);
    while lines.len() < CHUNK {
        let Some(mut line) = read_line(input)? else {
            break;
        };
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        lines.push(line);
        if input.buffer().is_empty() {
            break;
        }
    }
    Ok(lines)
}

/// One line with its ending, at most [`MAX_LINE`] bytes kept (the rest of a longer line is
/// skipped); `None` at the end of input.
fn read_line<R: Read>(input: &mut BufReader<R>) -> anyhow::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let read = (&mut *input)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)
        .context("reading the input")?;
    if read == 0 {
        return Ok(None);
    }
    if read == MAX_LINE && line.last() != Some(&b'\n') {
        input.skip_until(b'\n').context("reading the input")?;
    }
    Ok(Some(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(count: usize) -> Vec<(usize, String)> {
        let input: String = (0..count).map(|i| format!("{i}\r\n")).collect();
        let mut seen = Vec::new();
        for_each_line(
            input.as_bytes(),
            |l| String::from_utf8_lossy(l).into_owned(),
            |n, v, _| {
                seen.push((n, v));
                Ok(())
            },
        )
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
    fn a_line_longer_than_the_cap_is_cut_and_the_next_line_kept() {
        let input = [vec![b'x'; MAX_LINE + 10], b"\nnext\n".to_vec()].concat();
        let mut seen = Vec::new();
        for_each_line(input.as_slice(), <[u8]>::len, |_, n, _| {
            seen.push(n);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [MAX_LINE, 4]);
    }

    #[test]
    fn an_emit_error_stops_the_run_and_is_returned() {
        let input: String = (0..3 * CHUNK).map(|i| format!("{i}\n")).collect();
        let result = for_each_line(
            input.as_bytes(),
            |l| l.len(),
            |n, _, _| {
                anyhow::ensure!(n < 10, "stop");
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "stop");
    }
}
