package io.herald.ops.tracing;

import java.util.Locale;

/**
 * The attributes Herald's spans carry, named once for every role (listed in {@code
 * docs/tracing.md}). Never a token, a body, a device key or a user id: counts, ops, ids of
 * messages, Comets and rooms.
 */
public final class PushAttributes {
  /** {@code keys}, {@code mids}, {@code room} or {@code broadcast}. */
  public static final String TYPE = "herald.push.type";

  /** The push's op (the frame's operation). */
  public static final String OP = "herald.push.op";

  /** The push's message id. */
  public static final String MESSAGE_ID = "herald.push.message_id";

  /** How many keys or mids a push names (not the keys or mids). */
  public static final String TARGETS = "herald.push.targets";

  /** How many records a push became (one per Comet for keys and mids). */
  public static final String RECORDS = "herald.push.records";

  /** Whether the push is stored in the users' inboxes. */
  public static final String STORED = "herald.push.stored";

  /** The Comet a record, call or write is for. */
  public static final String SERVER_ID = "herald.server_id";

  /** The room of a room push, {@code type://id}. */
  public static final String ROOM = "herald.room";

  /** How many room messages one batch carries. */
  public static final String BATCH_MESSAGES = "herald.batch.messages";

  /** How many connections a Comet wrote the push to. */
  public static final String RECIPIENTS = "herald.push.recipients";

  /** How many keys a Comet did not hold. */
  public static final String ABSENT_KEYS = "herald.push.absent_keys";

  /** How a Comet call ended: {@code ok}, {@code gone}, {@code rejected}, {@code gave_up}, ... */
  public static final String CALL_OUTCOME = "herald.call.outcome";

  /** How many times a Comet call was sent. */
  public static final String CALL_ATTEMPTS = "herald.call.attempts";

  private PushAttributes() {}

  /** {@code PUSH_TYPE_KEYS} (a {@code PushType} name) → {@code keys}. */
  public static String type(Enum<?> pushType) {
    String name = pushType.name();
    return (name.startsWith("PUSH_TYPE_") ? name.substring(10) : name).toLowerCase(Locale.ROOT);
  }
}
