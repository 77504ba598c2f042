// Shared by the test files: a promise that fails, naming what it waited for, unless it settles in time.
export const TIMEOUT = 5000;

export function within(promise, what, timeout = TIMEOUT) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("timed out waiting for " + what)), timeout); }),
  ]).finally(() => clearTimeout(timer));
}
