package chat.nexus.loadtest;

/** Runs the swarm inside this JVM. */
final class LocalWorker implements Worker {
  private final Swarm swarm;

  LocalWorker(Swarm swarm) {
    this.swarm = swarm;
    swarm.start();
  }

  @Override
  public void grow(int clients) {
    swarm.growTo(clients);
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
