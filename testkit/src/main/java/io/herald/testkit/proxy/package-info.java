/**
 * A PROXY protocol (v1/v2) load balancer in miniature, for tests of servers behind one: {@link
 * io.herald.testkit.proxy.ProxyHeader} writes headers byte for byte as HAProxy's spec lays them
 * out, and {@link io.herald.testkit.proxy.ProxyProtocolRelay} relays real connections to a server
 * after sending one first, as an L4 load balancer does.
 */
package io.herald.testkit.proxy;
