package io.herald.it.failure;

/**
 * A fault the suite causes, and what docs/delivery.md ("When something fails") lets it cost beyond
 * the rules every fault is held to ({@link Verdict}).
 *
 * @param name as the table prints it
 * @param repeats the docs name this fault as one where best-effort pushes may repeat ("replayed
 *     from Kafka: may repeat"); best effort is at least once from Kafka to the Comet under every
 *     fault, so repeats are counted, never a violation (acked and stored ones are)
 * @param inboxLost the fault loses Redis's data: a stored push may be missing for a device that was
 *     told of a reset after it was sent ("Redis comes back empty": "epochs change: clients get a
 *     reset")
 * @param healsItself no action of the suite heals it (a Redis Cluster promotes a replica; the heal
 *     only waits), so its recovery time runs from the fault itself until everyone is served again
 */
public record Fault(String name, boolean repeats, boolean inboxLost, boolean healsItself) {
  public static Fault of(String name) {
    return new Fault(name, false, false, false);
  }

  public Fault repeating() {
    return new Fault(name, true, inboxLost, healsItself);
  }

  public Fault losingTheInbox() {
    return new Fault(name, repeats, true, healsItself);
  }

  public Fault healingItself() {
    return new Fault(name, repeats, inboxLost, true);
  }
}
