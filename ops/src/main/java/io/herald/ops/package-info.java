/**
 * What every Herald server serves operators, whatever its transport: the Prometheus meters and
 * their text ({@link io.herald.ops.PrometheusMetrics}), health answers ({@link
 * io.herald.ops.Health}) and readiness made of named checks ({@link io.herald.ops.Readiness}).
 * {@link io.herald.ops.armeria} serves them on Armeria; the Comet's operator port serves them on
 * the JDK's HTTP server.
 */
package io.herald.ops;
