/**
 * Logic as a process: its config, and the server that wires and starts every part on goim's two
 * ports and names its readiness checks. The process starts through the launcher ({@code herald
 * logic}, module {@code dist}).
 */
package io.herald.logic.server;
