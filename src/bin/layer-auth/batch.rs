//! Line-at-a-time work on every core, streamed: a reader thread reads bounded chunks of
//! lines, a worker thread maps each chunk on the rayon pool, and the calling thread hands
//! the results out in input order. Channels between the three hold at most two chunks each,
//! so memory stays flat whatever the input's length, and output line N answers input line N.

use std::io::BufRead;
use std::sync::mpsc::sync_channel;

use anyhow::Context as _;
use rayon::prelude::*;

/// Lines per chunk: enough to keep every core busy, small enough to keep memory flat.
const CHUNK: usize = 1024;
/// Chunks in flight between two stages.
const DEPTH: usize = 2;

/// Runs `work` on every line of `input` (without its line ending) on every core, and calls
/// `emit` on this thread with each 1-based line number and result, in input order. A line
/// on its own (one token) is worked on here, without starting the thread pool.
pub fn for_each_line<T: Send>(
    mut input: impl BufRead + Send,
    work: impl Fn(&[u8]) -> T + Sync,
    mut emit: impl FnMut(usize, T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let first = read_chunk(&mut input)?;
    if first.len() < CHUNK {
        // Everything fits in one chunk: no threads for a handful of lines.
        let results: Vec<T> = if first.len() == 1 {
            first.iter().map(|l| work(l)).collect()
        } else {
            first.par_iter().map(|l| work(l)).collect()
        };
        return results
            .into_iter()
            .enumerate()
            .try_for_each(|(i, r)| emit(i + 1, r));
    }
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
            for chunk in lines_rx {
                let results: Vec<T> = chunk.par_iter().map(|l| work(l)).collect();
                if results_tx.send(results).is_err() {
                    return;
                }
            }
        });
        let mut line_no = 0;
        for results in results_rx {
            for result in results {
                line_no += 1;
                emit(line_no, result)?;
            }
        }
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("the input reader stopped unexpectedly"))?
    })
}

/// Up to [`CHUNK`] lines, without their `\n` or `\r\n`; empty at the end of the input.
fn read_chunk(input: &mut impl BufRead) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut lines = Vec::with_capacity(CHUNK);
    while lines.len() < CHUNK {
        let mut line = Vec::new();
        if input
            .read_until(b'\n', &mut line)
            .context("reading the input")?
            == 0
        {
            break;
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        lines.push(line);
    }
    Ok(lines)
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
            |n, v| {
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
    fn an_emit_error_stops_the_run_and_is_returned() {
        let input: String = (0..3 * CHUNK).map(|i| format!("{i}\n")).collect();
        let result = for_each_line(
            input.as_bytes(),
            |l| l.len(),
            |n, _| {
                anyhow::ensure!(n < 10, "stop");
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "stop");
    }
}
