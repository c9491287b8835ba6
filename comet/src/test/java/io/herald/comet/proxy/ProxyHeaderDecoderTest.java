package io.herald.comet.proxy;

import static io.herald.comet.proxy.ProxyHeaderDecoder.V1;
import static io.herald.comet.proxy.ProxyHeaderDecoder.V2;
import static io.herald.comet.proxy.ProxyHeaderDecoder.narrow;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.proxy.ProxyHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The fail-fast signature check in front of Netty's decoder. */
class ProxyHeaderDecoderTest {
  private static int narrowAll(byte[] bytes) {
    int candidates = V1 | V2;
    for (int i = 0; i < bytes.length; i++) { // one byte at a time, as a slow sender's arrive
      candidates = narrow(candidates, i, Unpooled.wrappedBuffer(bytes, i, 1));
    }
    return candidates;
  }

  @Test
  void aV1LineFitsOnlyTheV1Signature() {
    byte[] v1 = ProxyHeader.v1("203.0.113.7", 51000, "10.0.0.1", 3101);
    assertThat(narrowAll(v1)).isEqualTo(V1);
    assertThat(narrow(V1 | V2, 0, Unpooled.wrappedBuffer(v1))).isEqualTo(V1);
  }

  @Test
  void aV2HeaderFitsOnlyTheV2Signature() {
    byte[] v2 = ProxyHeader.v2("2001:db8::1", 51000, "2001:db8::2", 3101);
    assertThat(narrowAll(v2)).isEqualTo(V2);
    assertThat(narrow(V1 | V2, 0, Unpooled.wrappedBuffer(v2))).isEqualTo(V2);
  }

  @Test
  void aHeraldFrameOrAnHttpRequestFitsNeitherFromItsFirstByte() {
    ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 16, 0, 16, 0, 1});
    assertThat(narrow(V1 | V2, 0, frame.slice(0, 1))).isZero();
    ByteBuf http = Unpooled.copiedBuffer("GET /sub HTTP/1.1\r\n", StandardCharsets.US_ASCII);
    assertThat(narrow(V1 | V2, 0, http)).isZero();
    ByteBuf tls = Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01});
    assertThat(narrow(V1 | V2, 0, tls)).isZero();
  }

  @Test
  void aPrefixOfEitherSignatureStaysUndecidedAndAWrongLaterByteDecides() {
    assertThat(narrow(V1 | V2, 0, Unpooled.copiedBuffer("PRO", StandardCharsets.US_ASCII)))
        .isEqualTo(V1);
    assertThat(narrow(V1, 3, Unpooled.copiedBuffer("XY", StandardCharsets.US_ASCII))).isEqualTo(V1);
    assertThat(narrow(V1, 3, Unpooled.copiedBuffer("Z", StandardCharsets.US_ASCII))).isZero();
    assertThat(narrow(V1 | V2, 0, Unpooled.wrappedBuffer(new byte[] {0x0D, 0x0A}))).isEqualTo(V2);
  }

  @Test
  void onlyTheFirstTwelveBytesAreLookedAt() {
    assertThat(narrow(V1, 12, Unpooled.copiedBuffer("anything", StandardCharsets.US_ASCII)))
        .isEqualTo(V1);
  }
}
