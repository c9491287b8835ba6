package io.herald.logic.inbox;

import io.herald.logic.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;

/**
 * The inbox's Lua scripts; each touches the three keys of one user ({@link RedisInboxKeys}), one
 * round trip each. Epochs travel as decimal strings, never as Lua numbers.
 */
final class InboxScripts {
  private InboxScripts() {}

  /** Age trimming, shared by append and read. */
  private static final String TRIM_AGE =
      """
      local function trimAge(cutoff)
        local removed = 0
        while true do
          local batch = redis.call('ZRANGE', KEYS[2], 0, 99)
          local old = 0
          for i = 1, #batch do
            local sep = string.find(batch[i], ':', 1, true)
            if tonumber(string.sub(batch[i], 1, sep - 1)) >= cutoff then
              break
            end
            old = i
          end
          if old > 0 then
            redis.call('ZREMRANGEBYRANK', KEYS[2], 0, old - 1)
            removed = removed + old
          end
          if old < 100 then
            return removed
          end
        end
      end
      """;

  /**
   * KEYS: meta, log, cursors. ARGV: newEpoch, nowMs, maxAgeMs, maxCount, acceptMs, payload. Creates
   * the inbox in epoch newEpoch when its meta is gone, appends with the next seq, trims by count
   * and age, refreshes the TTLs. Returns {epoch, seq, created, trimmed}.
   */
  static final RedisScript APPEND =
      new RedisScript(
          TRIM_AGE
              + """
              local maxAgeMs = tonumber(ARGV[3])
              local epoch = redis.call('HGET', KEYS[1], 'epoch')
              local created = 0
              if not epoch then
                redis.call('DEL', KEYS[2], KEYS[3])
                epoch, created = ARGV[1], 1
                redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
              end
              local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
              redis.call('ZADD', KEYS[2], seq, ARGV[5] .. ':' .. seq .. ':' .. ARGV[6])
              local trimmed = 0
              local size = redis.call('ZCARD', KEYS[2])
              local maxCount = tonumber(ARGV[4])
              if size > maxCount then
                trimmed = redis.call('ZREMRANGEBYRANK', KEYS[2], 0, size - maxCount - 1)
              end
              trimmed = trimmed + trimAge(tonumber(ARGV[2]) - maxAgeMs)
              for i = 1, 3 do
                redis.call('PEXPIRE', KEYS[i], maxAgeMs)
              end
              return {epoch, seq, created, trimmed}
              """,
          ScriptOutputType.MULTI);

  /**
   * KEYS: meta, log, cursors. ARGV: nowMs, maxAgeMs, epoch, afterSeq, limit, cursorKey ('' to read
   * after (epoch, afterSeq); else after that device's cursor, or from the oldest), maxBytes. Writes
   * nothing but age trimming: a user without an inbox reads as epoch '0' (a reset when the reader
   * named an epoch). Reads the log 16 members at a time and stops before the members' messages pass
   * maxBytes (at least one): a message's size is its payload's, the base64 decoded. Returns {epoch,
   * oldest, latest, reset, more, trimmed, members...}.
   */
  static final RedisScript READ =
      new RedisScript(
          TRIM_AGE
              + """
              local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
              if not meta[1] then
                local reset = 0
                if ARGV[3] ~= '0' then
                  reset = 1
                end
                return {'0', 0, 0, reset, 0, 0}
              end
              local epoch, latest = meta[1], tonumber(meta[2])
              local trimmed = trimAge(tonumber(ARGV[1]) - tonumber(ARGV[2]))
              local oldest = 0
              if latest > 0 then
                local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
                if #first == 0 then
                  oldest = latest + 1
                else
                  oldest = tonumber(first[2])
                end
              end
              local wanted, after = ARGV[3], tonumber(ARGV[4])
              if ARGV[6] ~= '' then
                wanted, after = '0', 0
                local cursor = redis.call('HGET', KEYS[3], ARGV[6])
                if cursor then
                  local sep = string.find(cursor, ':', 1, true)
                  if sep and string.sub(cursor, 1, sep - 1) == epoch then
                    wanted, after = epoch, tonumber(string.sub(cursor, sep + 1))
                  end
                end
              end
              local head = {epoch, oldest, latest, 0, 0, trimmed}
              if wanted ~= '0' and (wanted ~= epoch or after > latest or after + 1 < oldest) then
                head[4] = 1
                return head
              end
              local limit, maxBytes = tonumber(ARGV[5]), tonumber(ARGV[7])
              local count, bytes, lower = 0, 0, '(' .. after
              while true do
                local batch = redis.call('ZRANGEBYSCORE', KEYS[2], lower, '+inf', 'WITHSCORES',
                    'LIMIT', 0, 16)
                if #batch == 0 then
                  return head
                end
                for i = 1, #batch, 2 do
                  local member = batch[i]
                  local first = string.find(member, ':', 1, true)
                  local second = string.find(member, ':', first + 1, true)
                  local size = math.floor((#member - second) / 4) * 3
                  if string.sub(member, -2) == '==' then
                    size = size - 2
                  elseif string.sub(member, -1) == '=' then
                    size = size - 1
                  end
                  if count == limit or (count > 0 and bytes + size > maxBytes) then
                    head[5] = 1
                    return head
                  end
                  head[#head + 1] = member
                  count, bytes, lower = count + 1, bytes + size, '(' .. batch[i + 1]
                end
              end
              """,
          ScriptOutputType.MULTI);

  /**
   * KEYS: meta, cursors. ARGV: maxDevices, then triples of device key, epoch, seq. Moves each
   * cursor forward when its epoch is the inbox's and its seq is beyond the held one and not beyond
   * the newest; a new device that would pass maxDevices first drops the cursors of the least
   * advanced devices (those of another epoch first) down to maxDevices - 1, in work bounded by the
   * hash's size. The cursors expire with the inbox. Returns {moved, dropped}.
   */
  static final RedisScript MOVE_CURSORS =
      new RedisScript(
          """
          local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
          if not meta[1] then
            return {0, 0}
          end
          local epoch, latest = meta[1], tonumber(meta[2])
          local maxDevices = tonumber(ARGV[1])
          local function position(cursor)
            local sep = string.find(cursor, ':', 1, true)
            if sep and string.sub(cursor, 1, sep - 1) == epoch then
              return tonumber(string.sub(cursor, sep + 1)) or -1
            end
            return -1
          end
          local function dropLeastAdvanced(count)
            local all = redis.call('HGETALL', KEYS[2])
            local devices = {}
            for i = 1, #all, 2 do
              devices[#devices + 1] = {all[i], position(all[i + 1])}
            end
            table.sort(devices, function(a, b) return a[2] < b[2] end)
            for i = 1, count do
              redis.call('HDEL', KEYS[2], devices[i][1])
            end
            return count
          end
          local moved, dropped = 0, 0
          for i = 2, #ARGV, 3 do
            local seq = tonumber(ARGV[i + 2])
            if ARGV[i + 1] == epoch and seq > 0 and seq <= latest then
              local held = 0
              local cursor = redis.call('HGET', KEYS[2], ARGV[i])
              if cursor then
                held = position(cursor)
              end
              if seq > held then
                if not cursor then
                  local devices = redis.call('HLEN', KEYS[2])
                  if devices >= maxDevices then
                    dropped = dropped + dropLeastAdvanced(devices - maxDevices + 1)
                  end
                end
                redis.call('HSET', KEYS[2], ARGV[i], epoch .. ':' .. ARGV[i + 2])
                moved = moved + 1
              end
            end
          end
          if moved > 0 then
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl > 0 then
              redis.call('PEXPIRE', KEYS[2], ttl)
            end
          end
          return {moved, dropped}
          """,
          ScriptOutputType.MULTI);
}
