/**
 * The PROXY protocol (HAProxy's v1 text and v2 binary headers, decoded by Netty's {@code
 * netty-codec-haproxy}) on the client listeners that turn it on, so a Comet behind an L4 load
 * balancer still knows its clients' addresses.
 *
 * <p>On such a listener a connection's pipeline starts with a {@link
 * io.herald.comet.proxy.ProxyHeaderDecoder} and a {@code ProxyHeaderHandler}, which hold the
 * connection back (its {@code channelActive} does not reach the connection limiter) until the
 * header has arrived, record the address it declares ({@link io.herald.comet.proxy.ClientAddress}),
 * then leave the pipeline: an idle connection keeps only the declared address. Everything that
 * wants a connection's client address asks {@link io.herald.comet.proxy.ClientAddress}.
 */
package io.herald.comet.proxy;
