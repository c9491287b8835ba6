package io.herald.balancer.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GeoPointTest {

  @Test
  void acceptsTheWholeRange() {
    assertThat(new GeoPoint(-90, -180)).isNotNull();
    assertThat(new GeoPoint(90, 180)).isNotNull();
  }

  @Test
  void rejectsOutOfRangeAndNonFiniteCoordinates() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new GeoPoint(91, 0))
        .withMessage("latitude: 91.0 (expected: -90 to 90)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new GeoPoint(0, -180.5))
        .withMessage("longitude: -180.5 (expected: -180 to 180)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new GeoPoint(Double.NaN, 0))
        .withMessage("latitude: NaN (expected: -90 to 90)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new GeoPoint(0, Double.POSITIVE_INFINITY))
        .withMessage("longitude: Infinity (expected: -180 to 180)");
    assertThat(GeoPoint.isValid(Double.NaN, 0)).isFalse();
    assertThat(GeoPoint.isValid(45, 90)).isTrue();
  }

  @Test
  void checksNameTheParameter() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> GeoPoint.checkLatitude("lat", -90.01))
        .withMessage("lat: -90.01 (expected: -90 to 90)");
    assertThat(GeoPoint.checkLongitude("lon", 8.7)).isEqualTo(8.7);
  }

  @Test
  void greatCircleDistances() {
    GeoPoint shanghai = new GeoPoint(31.2, 121.5);
    GeoPoint beijing = new GeoPoint(39.9, 116.4);
    GeoPoint london = new GeoPoint(51.5074, -0.1278);
    GeoPoint newYork = new GeoPoint(40.7128, -74.0060);

    assertThat(GreatCircle.distanceKm(shanghai, beijing)).isCloseTo(1071, within(5.0));
    assertThat(london.distanceKm(newYork)).isCloseTo(5570, within(5.0));
    assertThat(newYork.distanceKm(london)).isEqualTo(london.distanceKm(newYork));
    assertThat(shanghai.distanceKm(shanghai)).isZero();
    // Antipodes are half the circumference apart; rounding must not produce NaN.
    assertThat(new GeoPoint(0, 0).distanceKm(new GeoPoint(0, 180)))
        .isCloseTo(Math.PI * GreatCircle.EARTH_RADIUS_KM, within(1e-6));
    assertThat(new GeoPoint(90, 0).distanceKm(new GeoPoint(-90, 0)))
        .isCloseTo(Math.PI * GreatCircle.EARTH_RADIUS_KM, within(1e-6));
    // Across the antimeridian: 1 degree of longitude at the equator.
    assertThat(new GeoPoint(0, 179.5).distanceKm(new GeoPoint(0, -179.5)))
        .isCloseTo(111.2, within(0.1));
  }
}
