/**
 * What backends and clients call on Logic's ports: goim's HTTP paths ({@code /goim/push/*}, {@code
 * /goim/online/*}, {@code /goim/nodes/*}, with goim's replies and errors) and the gRPC {@code
 * herald.push.v1.Push} service, both behind bearer tokens (the node routes excepted), with their
 * meters. Pushes go to {@link io.herald.logic.push.PushService}, which checks them; online queries
 * are answered from {@link io.herald.logic.online.OnlineView}.
 */
package io.herald.logic.api;
