/**
 * The process's CPU time in ms, for bounds on how long the event loop is held: on a loaded machine the
 * process waits for a core too, which is no one's slice.
 */
export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
