package io.herald.it.failure;

import java.util.ArrayList;
import java.util.List;

/** The suite's goim (protocol 1) devices; the stream connects them, and again when they drop. */
public final class GoimDevices implements AutoCloseable {
  private final List<GoimDevice> devices = new ArrayList<>();

  public GoimDevices(int count, long firstMid) {
    for (int i = 0; i < count; i++) {
      devices.add(new GoimDevice(firstMid + i));
    }
  }

  public List<GoimDevice> all() {
    return List.copyOf(devices);
  }

  @Override
  public void close() {
    devices.forEach(GoimDevice::close);
  }
}
