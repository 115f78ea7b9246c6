package chat.nexus.loadtest;

/** Runs the swarm inside this JVM. */
final class LocalWorker implements Worker {
  private final Swarm swarm;

  LocalWorker(Spec spec) {
    swarm = new Swarm(spec);
    swarm.start();
  }

  @Override
  public Stats stats() {
    return swarm.snapshot(false);
  }

  @Override
  public void go(long startMicros, long endMicros) {
    swarm.go(startMicros, endMicros);
  }

  @Override
  public Stats finish() {
    Stats s = swarm.snapshot(true);
    swarm.close();
    return s;
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  @Override
  public boolean alive() {
    return true;
  }
}
