// Preloaded into every local Batch job (node --import): when the runtime that started the job
// dies, even by SIGKILL, the IPC channel to it closes and the job exits instead of living on as
// an orphan. The channel is unref'd so that it never keeps a finished job alive.
if (process.channel) {
  process.channel.unref();
  process.on("disconnect", () => process.exit(137));
}
