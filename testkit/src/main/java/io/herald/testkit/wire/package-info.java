/**
 * The one wire-protocol client of every module's tests: {@link io.herald.testkit.wire.WireClient},
 * a TCP or WebSocket device speaking protocol version 1 or 2 to a Comet, as goim's Go and
 * JavaScript clients do, that keeps every frame it receives.
 */
package io.herald.testkit.wire;
