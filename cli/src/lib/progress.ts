/**
 * Progress goes to stderr so stdout stays parseable: a spinner when stderr is a terminal, plain lines
 * otherwise (CI logs, pipes). Nothing here ever writes to stdout.
 */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** Starts a step; the next start/done/fail ends it. */
  start(message: string): void;
  done(message?: string): void;
  fail(message?: string): void;
  /** A line of information outside any step. */
  info(message: string): void;
  warn(message: string): void;
}

export function createProgress(opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = !!stream.isTTY && !process.env.CI;
  let current: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;

  const write = (line: string) => {
    if (!opts.quiet) stream.write(line);
  };
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (tty && current) write('\r\x1b[2K');
  };
  const end = (mark: string, message?: string) => {
    if (!current) {
      if (message) write(`${mark} ${message}\n`);
      return;
    }
    clear();
    write(`${mark} ${message ?? current}\n`);
    current = undefined;
  };

  return {
    start(message) {
      if (current) end(tty ? '✔' : '-', undefined);
      current = message;
      if (tty && !opts.quiet) {
        timer = setInterval(() => write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${current}`), 80);
        timer.unref();
      } else write(`… ${message}\n`);
    },
    done(message) {
      end(tty ? '\x1b[32m✔\x1b[0m' : '✔', message);
    },
    fail(message) {
      end(tty ? '\x1b[31m✖\x1b[0m' : '✖', message);
    },
    info(message) {
      if (current && tty) write('\r\x1b[2K');
      write(`${message}\n`);
    },
    warn(message) {
      if (current && tty) write('\r\x1b[2K');
      write(`${tty ? '\x1b[33m!\x1b[0m' : '!'} ${message}\n`);
    },
  };
}
