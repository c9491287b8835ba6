package io.herald.wire;

/**
 * Operation codes. 0-17 are goim's, with goim's meaning; 18-999 are Herald's additions; business
 * ops are 1000 and above by convention. {@code docs/protocol.md} gives every op's body.
 */
public final class Op {
  public static final int HANDSHAKE = 0;
  public static final int HANDSHAKE_REPLY = 1;

  /** Client heartbeat; empty body. */
  public static final int HEARTBEAT = 2;

  /** Heartbeat reply; body: int32 online count of the connection's room. */
  public static final int HEARTBEAT_REPLY = 3;

  /** Upstream message from a client. */
  public static final int SEND_MSG = 4;

  /** Reply to {@link #SEND_MSG}, carrying the same seq. */
  public static final int SEND_MSG_REPLY = 5;

  /** The server is closing the connection; in version 2 the body is the UTF-8 reason. */
  public static final int DISCONNECT_REPLY = 6;

  /** Authentication; body: the JSON auth request. Must be the first frame. */
  public static final int AUTH = 7;

  /** Authentication succeeded; empty body in version 1. */
  public static final int AUTH_REPLY = 8;

  /** Batched delivery: the body is several whole frames concatenated. */
  public static final int RAW = 9;

  public static final int PROTO_READY = 10;
  public static final int PROTO_FINISH = 11;

  /** Change the connection's room; body: the new room id ({@code type://id}). */
  public static final int CHANGE_ROOM = 12;

  public static final int CHANGE_ROOM_REPLY = 13;

  /** Subscribe to ops; body: comma-separated op list. */
  public static final int SUB = 14;

  public static final int SUB_REPLY = 15;

  /** Unsubscribe from ops; body: comma-separated op list. */
  public static final int UNSUB = 16;

  public static final int UNSUB_REPLY = 17;

  /** Client acks delivered messages and its inbox position; body: {@code delivery.AckBody}. */
  public static final int ACK = 18;

  /** Client asks for inbox messages after a sequence; body: {@code delivery.SyncBody}. */
  public static final int SYNC = 19;

  /** Inbox messages after the requested sequence; body: {@code delivery.SyncReply} + frames. */
  public static final int SYNC_REPLY = 20;

  /** Server asks the client to reconnect elsewhere; body: UTF-8 JSON with node hints. */
  public static final int RECONNECT = 21;

  /** Join one more room; body: room id. */
  public static final int JOIN_ROOM = 22;

  public static final int JOIN_ROOM_REPLY = 23;

  /** Leave a room; body: room id. */
  public static final int LEAVE_ROOM = 24;

  public static final int LEAVE_ROOM_REPLY = 25;

  /**
   * A message with its id and inbox position, to a version 2 client (acked, stored and synced
   * deliveries); body: {@code delivery.MessageEnvelope} head + the message's body.
   */
  public static final int MESSAGE = 26;

  /** The user's inbox has news: SYNC; body: {@code delivery.InboxNotice}. */
  public static final int INBOX_NOTICE = 27;

  /** Send a chat message to a user or a group; body: {@code chat.ChatSend}. */
  public static final int CHAT_SEND = 28;

  /** The sent message's id and seq, or why not; body: {@code chat.ChatSendReply}. */
  public static final int CHAT_SEND_REPLY = 29;

  /** List the caller's conversations; body: {@code chat.ChatList}. */
  public static final int CHAT_LIST = 30;

  public static final int CHAT_LIST_REPLY = 31;

  /** A page of one conversation's messages; body: {@code chat.ChatHistory}. */
  public static final int CHAT_HISTORY = 32;

  public static final int CHAT_HISTORY_REPLY = 33;

  /** Mark a conversation read up to a seq; body: {@code chat.ChatRead}. */
  public static final int CHAT_READ = 34;

  public static final int CHAT_READ_REPLY = 35;

  /** A chat message, inside op 26 MESSAGE or a SYNC_REPLY; body: {@code chat.ChatMessage}. */
  public static final int CHAT_MESSAGE = 36;

  /** Someone read a conversation; inside op 26 or a SYNC_REPLY; body: {@code chat.ChatReceipt}. */
  public static final int CHAT_RECEIPT = 37;

  /** News of a read fan-out group (best effort); body: {@code chat.ChatNotice}. */
  public static final int CHAT_NOTICE = 38;

  /** Whether {@code op} is a chat request a client sends (28, 30, 32, 34); its reply is op + 1. */
  public static boolean isChatRequest(int op) {
    return op == CHAT_SEND || op == CHAT_LIST || op == CHAT_HISTORY || op == CHAT_READ;
  }

  /** Business ops start here by convention. */
  public static final int BUSINESS_MIN = 1000;

  private static final String[] NAMES = {
    "HANDSHAKE",
    "HANDSHAKE_REPLY",
    "HEARTBEAT",
    "HEARTBEAT_REPLY",
    "SEND_MSG",
    "SEND_MSG_REPLY",
    "DISCONNECT_REPLY",
    "AUTH",
    "AUTH_REPLY",
    "RAW",
    "PROTO_READY",
    "PROTO_FINISH",
    "CHANGE_ROOM",
    "CHANGE_ROOM_REPLY",
    "SUB",
    "SUB_REPLY",
    "UNSUB",
    "UNSUB_REPLY",
    "ACK",
    "SYNC",
    "SYNC_REPLY",
    "RECONNECT",
    "JOIN_ROOM",
    "JOIN_ROOM_REPLY",
    "LEAVE_ROOM",
    "LEAVE_ROOM_REPLY",
    "MESSAGE",
    "INBOX_NOTICE",
    "CHAT_SEND",
    "CHAT_SEND_REPLY",
    "CHAT_LIST",
    "CHAT_LIST_REPLY",
    "CHAT_HISTORY",
    "CHAT_HISTORY_REPLY",
    "CHAT_READ",
    "CHAT_READ_REPLY",
    "CHAT_MESSAGE",
    "CHAT_RECEIPT",
    "CHAT_NOTICE"
  };

  private Op() {}

  /** A readable name for logs: the constant's name, {@code BUSINESS(1001)} or {@code OP(42)}. */
  public static String name(int op) {
    if (op >= 0 && op < NAMES.length) {
      return NAMES[op];
    }
    return (isBusiness(op) ? "BUSINESS(" : "OP(") + op + ")";
  }

  /** Whether {@code op} lies in the business range (1000 and above). */
  public static boolean isBusiness(int op) {
    return op >= BUSINESS_MIN;
  }
}
