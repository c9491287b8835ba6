package io.herald.it.failure;

/**
 * The delivery classes the failure suite pushes (docs/delivery.md, "Delivery classes"), each as
 * goim's HTTP API takes it, and who it is for: one device (by its user or its key) or every device
 * (a room everyone is in, a broadcast).
 */
public enum PushKind {
  BEST_EFFORT("best effort", "/goim/push/mids?operation=1000&mids=", true),
  ACKED("acked", "/goim/push/keys?operation=1000&ack=true&keys=", true),
  STORED("stored", "/goim/push/mids?operation=1000&store=true&mids=", true),
  NOTIFY("notify", "/goim/push/mids?operation=1000&store=true&notify=true&mids=", true),
  ROOM("room", "/goim/push/room?operation=1000&type=live&room=" + PushKind.ROOM_ID, false),
  BROADCAST("broadcast", "/goim/push/all?operation=1000&speed=0", false);

  /** The room every device of the suite is in ({@code live://9900}). */
  public static final String ROOM_ID = "9900";

  private final String label;
  private final String path;
  private final boolean unicast;

  PushKind(String label, String path, boolean unicast) {
    this.label = label;
    this.path = path;
    this.unicast = unicast;
  }

  public String label() {
    return label;
  }

  /** Pushes to one device: by mid, or by key for {@link #ACKED}. */
  public boolean unicast() {
    return unicast;
  }

  /** Kept in the inbox: an answer of code 0 promises the message to the user for good. */
  public boolean stored() {
    return this == STORED || this == NOTIFY;
  }

  /**
   * Carries a message id the SDK drops duplicates by: the application sees it at most once
   * (docs/delivery.md: "Clients drop duplicates by message id", "exactly once at the application").
   */
  public boolean exactlyOnceAtTheApplication() {
    return this == ACKED || stored();
  }

  /** The request path for {@code device} (its mid, or its key for {@link #ACKED}). */
  public String path(long mid, String key) {
    if (!unicast) {
      return path;
    }
    return path + (this == ACKED ? key : Long.toString(mid));
  }
}
