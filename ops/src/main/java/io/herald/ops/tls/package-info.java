/**
 * TLS for Herald's servers and internal links: {@link io.herald.ops.tls.InternalTls} (mutual TLS on
 * a gRPC link, off by default) and its credentials ({@link io.herald.ops.tls.GrpcTls}), PEM files
 * checked before use ({@link io.herald.ops.tls.PemFiles}), and the watch that reloads them from
 * disk when they change ({@link io.herald.ops.tls.FileWatch}).
 */
package io.herald.ops.tls;
