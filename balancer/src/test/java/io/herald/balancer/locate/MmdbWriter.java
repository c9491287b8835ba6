package io.herald.balancer.locate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB files for tests, following the format spec
 * (https://maxmind.github.io/MaxMind-DB/): an IPv6 search tree with 24-bit records (IPv4 networks
 * live under ::/96, as in MaxMind's City databases), the 16-byte zero separator, a data section,
 * then the metadata marker and map. Networks must not overlap.
 *
 * <p>Values: {@link String} (utf8_string), {@link Double} (double), {@link U16}, {@link U32},
 * {@link U64}, {@link Map} with string keys (map), {@link List} (array).
 */
final class MmdbWriter {

  record U16(int value) {}

  record U32(long value) {}

  record U64(long value) {}

  private static final byte[] METADATA_MARKER = {
    (byte) 0xab, (byte) 0xcd, (byte) 0xef, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'
  };
  private static final int RECORD_SIZE = 24;

  private final Node root = new Node();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();

  /** Maps {@code cidr} ({@code 1.2.3.0/24} or {@code 2001:db8::/32}) to {@code record}. */
  MmdbWriter insert(String cidr, Map<String, Object> record) {
    String[] parts = cidr.split("/", -1);
    InetAddress address = IpLiteral.parse(parts[0]);
    int prefixLength = Integer.parseInt(parts[1]);
    byte[] bytes = new byte[16];
    if (address instanceof Inet4Address) {
      System.arraycopy(address.getAddress(), 0, bytes, 12, 4);
      prefixLength += 96;
    } else {
      bytes = address.getAddress();
    }
    int offset = data.size();
    encode(record, data);

    Node node = root;
    for (int i = 0; i < prefixLength - 1; i++) {
      int bit = bit(bytes, i);
      if (node.children[bit] == null) {
        node.children[bit] = new Node();
      }
      if (!(node.children[bit] instanceof Node next)) {
        throw new IllegalArgumentException(cidr + " overlaps a network already inserted");
      }
      node = next;
    }
    int last = bit(bytes, prefixLength - 1);
    if (node.children[last] != null) {
      throw new IllegalArgumentException(cidr + " overlaps a network already inserted");
    }
    node.children[last] = offset;
    return this;
  }

  void write(Path file, String databaseType) throws IOException {
    List<Node> nodes = new ArrayList<>();
    Map<Node, Integer> ids = new HashMap<>();
    Deque<Node> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      Node node = queue.removeFirst();
      ids.put(node, nodes.size());
      nodes.add(node);
      for (Object child : node.children) {
        if (child instanceof Node next) {
          queue.addLast(next);
        }
      }
    }
    int nodeCount = nodes.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Node node : nodes) {
      for (Object child : node.children) {
        long record =
            child == null
                ? nodeCount // no data
                : child instanceof Node next ? ids.get(next) : nodeCount + 16L + (Integer) child;
        out.write((int) (record >>> 16));
        out.write((int) (record >>> 8));
        out.write((int) record);
      }
    }
    out.write(new byte[16]);
    data.writeTo(out);
    out.write(METADATA_MARKER);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", new U32(nodeCount));
    metadata.put("record_size", new U16(RECORD_SIZE));
    metadata.put("ip_version", new U16(6));
    metadata.put("database_type", databaseType);
    metadata.put("languages", List.of("en"));
    metadata.put("binary_format_major_version", new U16(2));
    metadata.put("binary_format_minor_version", new U16(0));
    metadata.put("build_epoch", new U64(1_700_000_000L));
    metadata.put("description", Map.of("en", "Herald test database"));
    encode(metadata, out);
    Files.write(file, out.toByteArray());
  }

  private static int bit(byte[] bytes, int index) {
    return (bytes[index / 8] >> (7 - index % 8)) & 1;
  }

  private static void encode(Object value, ByteArrayOutputStream out) {
    if (value instanceof String text) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      control(2, utf8.length, out);
      out.writeBytes(utf8);
    } else if (value instanceof Double number) {
      control(3, 8, out);
      out.writeBytes(ByteBuffer.allocate(8).putDouble(number).array());
    } else if (value instanceof U16 number) {
      unsigned(5, number.value(), out);
    } else if (value instanceof U32 number) {
      unsigned(6, number.value(), out);
    } else if (value instanceof U64 number) {
      unsigned(9, number.value(), out);
    } else if (value instanceof Map<?, ?> map) {
      control(7, map.size(), out);
      map.forEach(
          (key, entry) -> {
            encode((String) key, out);
            encode(entry, out);
          });
    } else if (value instanceof List<?> list) {
      control(11, list.size(), out);
      list.forEach(element -> encode(element, out));
    } else {
      throw new IllegalArgumentException("unsupported value: " + value);
    }
  }

  /** An unsigned integer in as few big-endian bytes as it needs (0 for zero). */
  private static void unsigned(int type, long value, ByteArrayOutputStream out) {
    byte[] bytes = BigInteger.valueOf(value).toByteArray();
    int skip = 0;
    while (skip < bytes.length && bytes[skip] == 0) {
      skip++;
    }
    control(type, bytes.length - skip, out);
    out.write(bytes, skip, bytes.length - skip);
  }

  /** The control byte: type in the top 3 bits (0 = extended, in the next byte), then the size. */
  private static void control(int type, int size, ByteArrayOutputStream out) {
    int sizeBits;
    byte[] extra;
    if (size < 29) {
      sizeBits = size;
      extra = new byte[0];
    } else if (size < 29 + 256) {
      sizeBits = 29;
      extra = new byte[] {(byte) (size - 29)};
    } else if (size < 285 + 65_536) {
      sizeBits = 30;
      extra = new byte[] {(byte) ((size - 285) >>> 8), (byte) (size - 285)};
    } else {
      int rest = size - 65_821;
      sizeBits = 31;
      extra = new byte[] {(byte) (rest >>> 16), (byte) (rest >>> 8), (byte) rest};
    }
    out.write(((type <= 7 ? type : 0) << 5) | sizeBits);
    if (type > 7) {
      out.write(type - 7);
    }
    out.writeBytes(extra);
  }

  /** A search-tree node; each child is a {@link Node}, a data offset, or null. */
  private static final class Node {
    final Object[] children = new Object[2];
  }
}
