package io.herald.client;

/** How the client reaches a Comet. */
public enum Transport {
  /** Plain TCP (Comet port 3101): frames on the byte stream. */
  TCP,
  /** WebSocket (Comet port 3102, path {@code /sub}): one frame per binary message. */
  WEBSOCKET
}
