package io.herald.testkit;

/**
 * Free TCP ports on 127.0.0.1 for servers under test, below the ephemeral range (which starts at
 * 32768 here) so a client's outgoing connection never takes one first. Ports handed out are not
 * handed out again in the same JVM.
 */
public final class FreePorts {
  private FreePorts() {}

  /**
   * A port that was free when checked.
   *
   * @throws IllegalStateException if none could be found
   */
  public static int next() {
    try {
      return PortPicker.system().pick();
    } catch (StartupFailure e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
