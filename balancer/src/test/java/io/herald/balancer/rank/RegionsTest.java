package io.herald.balancer.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegionsTest {

  @Test
  void exampleHasTheSeedRegions() {
    assertThat(Regions.example().all())
        .extracting(Region::name)
        .containsExactly(
            "cn-north", "cn-east", "cn-south", "cn-west", "hk", "jp", "us-west", "us-east", "eu");
    assertThat(Regions.example().get("cn-east").orElseThrow().location())
        .isEqualTo(new GeoPoint(31.2, 121.5));
  }

  @Test
  void nearest() {
    Regions regions = Regions.example();
    assertThat(regions.nearest(TestNodes.SHANGHAI).orElseThrow().name()).isEqualTo("cn-east");
    assertThat(regions.nearest(TestNodes.TOKYO).orElseThrow().name()).isEqualTo("jp");
    assertThat(regions.nearest(new GeoPoint(48.86, 2.35)).orElseThrow().name()).isEqualTo("eu");
    assertThat(regions.nearest(new GeoPoint(47.6, -122.3)).orElseThrow().name())
        .isEqualTo("us-west");
    assertThat(Regions.none().nearest(TestNodes.SHANGHAI)).isEmpty();
  }

  @Test
  void rejectsDuplicateAndBlankNames() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Regions.of(List.of(Region.of("a", 0, 0), Region.of("a", 1, 1))))
        .withMessage("regions: duplicate name 'a' (expected: unique names)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Region.of(" ", 0, 0))
        .withMessage("name: empty (expected: a value)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Region.of("eu", 0, 200))
        .withMessage("longitude: 200.0 (expected: -180 to 180)");
  }
}
