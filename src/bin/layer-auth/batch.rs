//! Line-at-a-time work on every core, streamed: lines are read in bounded chunks, worked on
//! in parallel, and handed back in input order, so memory stays flat and output line N
//! always answers input line N.

use std::io::BufRead;

use anyhow::Context as _;
use rayon::prelude::*;

/// Lines per chunk: enough to keep every core busy, small enough to keep memory flat.
const CHUNK: usize = 2048;

/// Runs `work` on every line of `input` (without its line ending), in parallel, and calls
/// `emit` with each 1-based line number and result, in input order.
pub fn for_each_line<T: Send>(
    mut input: impl BufRead,
    work: impl Fn(&[u8]) -> T + Sync,
    mut emit: impl FnMut(usize, T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut line_no = 0;
    loop {
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
        if lines.is_empty() {
            return Ok(());
        }
        // A single line (the common one-token case) never starts the thread pool.
        let results: Vec<T> = if lines.len() == 1 {
            lines.iter().map(|l| work(l)).collect()
        } else {
            lines.par_iter().map(|l| work(l)).collect()
        };
        for result in results {
            line_no += 1;
            emit(line_no, result)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_numbers_lines_across_chunks() {
        let input: String = (0..5000).map(|i| format!("{i}\r\n")).collect();
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
        assert_eq!(seen.len(), 5000);
        assert!(
            seen.iter()
                .all(|(n, v)| v.parse::<usize>().unwrap() + 1 == *n)
        );
    }
}
