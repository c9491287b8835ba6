package io.herald.wire.chat;

import io.herald.wire.delivery.MalformedBodyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Primitives shared by the chat bodies: checked reads, short strings, length-prefixed records. */
final class ChatBodies {
  /** Records in one list body at most (a page is far smaller; this bounds a hostile count). */
  static final int MAX_RECORDS = 10_000;

  private ChatBodies() {}

  static void requireReadable(ByteBuf body, int bytes, String what) {
    if (body.readableBytes() < bytes) {
      throw new MalformedBodyException(
          what + ": " + body.readableBytes() + " bytes left, expected at least " + bytes);
    }
  }

  static void requireEnd(ByteBuf body, String what) {
    if (body.isReadable()) {
      throw new MalformedBodyException(what + ": " + body.readableBytes() + " bytes after its end");
    }
  }

  /** The rest of {@code in} as a new array; {@code in} is read to its end. */
  static byte[] rest(ByteBuf in) {
    byte[] bytes = ByteBufUtil.getBytes(in, in.readerIndex(), in.readableBytes(), true);
    in.skipBytes(bytes.length);
    return bytes;
  }

  /** int16 length + UTF-8; at most 32767 bytes (longer text is cut at a character boundary). */
  static void writeString(ByteBuf out, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(utf8.length, Short.MAX_VALUE);
    while (length < utf8.length && (utf8[length] & 0xC0) == 0x80) {
      length--;
    }
    out.writeShort(length).writeBytes(utf8, 0, length);
  }

  static String readString(ByteBuf in, String what) {
    requireReadable(in, 2, what);
    int length = in.readUnsignedShort();
    requireReadable(in, length, what);
    String text = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return text;
  }

  /** Reads an int32 count (checked against the bytes left) then that many int32-length records. */
  static <T> List<T> readRecords(ByteBuf in, String what, Function<ByteBuf, T> record) {
    requireReadable(in, 4, what);
    int count = in.readInt();
    if (count < 0 || count > MAX_RECORDS || count > in.readableBytes() / 4) {
      throw new MalformedBodyException(what + ": count " + count + " does not fit the body");
    }
    List<T> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(readSized(in, what, record));
    }
    return records;
  }

  /** One int32-length record; its reader sees exactly its bytes. */
  static <T> T readSized(ByteBuf in, String what, Function<ByteBuf, T> record) {
    requireReadable(in, 4, what);
    int length = in.readInt();
    if (length < 0 || length > in.readableBytes()) {
      throw new MalformedBodyException(what + ": record length " + length + " does not fit");
    }
    T value = record.apply(in.slice(in.readerIndex(), length));
    in.skipBytes(length);
    return value;
  }

  /** Writes {@code body} as int32 length + bytes, the length filled in after. */
  static void writeSized(ByteBuf out, java.util.function.Consumer<ByteBuf> body) {
    int lengthAt = out.writerIndex();
    out.writeInt(0);
    body.accept(out);
    out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
  }

  /** Checks an OK status at the head of a reply and skips it; a {@link ChatError} otherwise. */
  static void requireOk(ByteBuf in, String what) {
    requireReadable(in, 2, what);
    int code = in.getShort(in.readerIndex());
    if (code != ChatStatus.OK.code()) {
      throw new MalformedBodyException(
          what + ": status " + ChatStatus.of(code) + ", read it with ChatError.peek");
    }
    in.skipBytes(2);
  }
}
