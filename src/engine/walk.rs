//! A concurrent walk of a dependency graph: a node runs once all its
//! dependencies succeeded, at most `parallelism` at a time. A failed node's
//! dependents are skipped; once `stop` is set nothing new starts, and the
//! nodes already running finish.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Failed,
    /// Not run: a dependency failed, or the walk was stopped.
    Skipped,
}

struct Shared {
    ready: VecDeque<usize>,
    remaining_deps: Vec<usize>,
    outcome: Vec<Option<Outcome>>,
    running: usize,
    finished: usize,
}

/// Walks nodes `0..deps.len()`, where `deps[i]` lists what node `i` waits
/// for. `run(i)` returns whether the node succeeded.
pub fn walk<F>(deps: &[Vec<usize>], parallelism: usize, stop: &AtomicBool, run: F) -> Vec<Outcome>
where
    F: Fn(usize) -> bool + Sync,
{
    let n = deps.len();
    let mut dependents = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents[d].push(i);
        }
    }
    let remaining_deps: Vec<usize> = deps.iter().map(Vec::len).collect();
    let ready: VecDeque<usize> = (0..n).filter(|&i| remaining_deps[i] == 0).collect();
    let shared = Mutex::new(Shared {
        ready,
        remaining_deps,
        outcome: vec![None; n],
        running: 0,
        finished: 0,
    });
    let cv = Condvar::new();
    let workers = parallelism.max(1).min(n.max(1));

    // Marks a node and, transitively, its dependents as skipped.
    fn skip(s: &mut Shared, dependents: &[Vec<usize>], i: usize) {
        let mut stack = vec![i];
        while let Some(j) = stack.pop() {
            if s.outcome[j].is_some() {
                continue;
            }
            s.outcome[j] = Some(Outcome::Skipped);
            s.finished += 1;
            stack.extend(dependents[j].iter().copied());
        }
    }

    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let next = {
                    let mut s = shared.lock().expect("walk lock");
                    loop {
                        if s.finished == n {
                            break None;
                        }
                        if stop.load(Ordering::SeqCst) {
                            // Nothing new starts; what is queued is skipped.
                            let queued: Vec<usize> = s.ready.drain(..).collect();
                            for q in queued {
                                skip(&mut s, &dependents, q);
                            }
                            if s.running == 0 {
                                let pending: Vec<usize> =
                                    (0..n).filter(|&i| s.outcome[i].is_none()).collect();
                                for p in pending {
                                    skip(&mut s, &dependents, p);
                                }
                                cv.notify_all();
                                break None;
                            }
                        } else if let Some(i) = s.ready.pop_front() {
                            s.running += 1;
                            break Some(i);
                        }
                        s = cv.wait(s).expect("walk lock");
                    }
                };
                let Some(i) = next else {
                    cv.notify_all();
                    return;
                };
                let ok = run(i);
                let mut s = shared.lock().expect("walk lock");
                s.running -= 1;
                if s.outcome[i].is_none() {
                    s.outcome[i] = Some(if ok { Outcome::Done } else { Outcome::Failed });
                    s.finished += 1;
                }
                for &d in &dependents[i] {
                    if ok {
                        s.remaining_deps[d] -= 1;
                        if s.remaining_deps[d] == 0 && s.outcome[d].is_none() {
                            s.ready.push_back(d);
                        }
                    } else {
                        skip(&mut s, &dependents, d);
                    }
                }
                cv.notify_all();
            });
        }
    });
    let s = shared.into_inner().expect("walk lock");
    s.outcome
        .into_iter()
        .map(|o| o.unwrap_or(Outcome::Skipped))
        .collect()
}

/// Finds a cycle, if any, as a list of node indices.
pub fn find_cycle(deps: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let n = deps.len();
    let mut mark = vec![Mark::New; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if mark[start] != Mark::New {
            continue;
        }
        stack.push((start, 0));
        mark[start] = Mark::Active;
        while let Some((node, idx)) = stack.pop() {
            if idx < deps[node].len() {
                stack.push((node, idx + 1));
                let d = deps[node][idx];
                match mark[d] {
                    Mark::New => {
                        mark[d] = Mark::Active;
                        stack.push((d, 0));
                    }
                    Mark::Active => {
                        let pos = stack.iter().position(|(x, _)| *x == d).unwrap_or(0);
                        return Some(stack[pos..].iter().map(|(x, _)| *x).collect());
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn runs_in_dependency_order_and_skips_dependents_of_failures() {
        // 0 <- 1 <- 2, 3 independent, 4 depends on failing 3.
        let deps = vec![vec![], vec![0], vec![1], vec![], vec![3]];
        let order = Mutex::new(Vec::new());
        let stop = AtomicBool::new(false);
        let out = walk(&deps, 4, &stop, |i| {
            order.lock().unwrap().push(i);
            i != 3
        });
        assert_eq!(
            out,
            vec![
                Outcome::Done,
                Outcome::Done,
                Outcome::Done,
                Outcome::Failed,
                Outcome::Skipped
            ]
        );
        let order = order.into_inner().unwrap();
        let pos = |x| order.iter().position(|&y| y == x).unwrap();
        assert!(pos(0) < pos(1) && pos(1) < pos(2));
    }

    #[test]
    fn respects_parallelism() {
        let deps = vec![vec![]; 20];
        let active = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        walk(&deps, 3, &stop, |_| {
            let a = active.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(a, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(5));
            active.fetch_sub(1, Ordering::SeqCst);
            true
        });
        assert!(peak.load(Ordering::SeqCst) <= 3);
    }

    #[test]
    fn stop_lets_running_nodes_finish_and_starts_nothing_new() {
        let deps = vec![vec![], vec![0], vec![1]];
        let stop = AtomicBool::new(false);
        let out = walk(&deps, 1, &stop, |i| {
            if i == 0 {
                stop.store(true, Ordering::SeqCst);
            }
            true
        });
        assert_eq!(out, vec![Outcome::Done, Outcome::Skipped, Outcome::Skipped]);
    }

    #[test]
    fn finds_cycles() {
        assert_eq!(
            find_cycle(&[vec![1], vec![2], vec![0]]).map(|c| c.len()),
            Some(3)
        );
        assert!(find_cycle(&[vec![], vec![0]]).is_none());
    }
}
