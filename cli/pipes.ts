/**
 * A reader that stops early (`cordum registry audit export | head -1`)
 * closes its end of the pipe; the next write fails with EPIPE, which Node
 * raised as an unhandled 'error' event: a stack trace and exit 1 after
 * output the reader had all it wanted of.
 */
type Exit = (code?: number) => never;

/**
 * stdout: the rest of the output is unwanted, not an error, so the command
 * ends there with the exit code it had set, as a Unix tool stopped by
 * SIGPIPE does, without a message. Other write errors stay errors.
 */
export function endOnClosedPipe(stream: NodeJS.WriteStream, exit: Exit = process.exit): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    exit();
  });
}

/**
 * stderr: progress and log lines nobody reads any more are dropped, and the
 * work goes on (a server whose log reader went away keeps serving).
 */
export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
