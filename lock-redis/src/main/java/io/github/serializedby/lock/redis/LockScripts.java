package io.github.serializedby.lock.redis;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts, each one atomic round trip. A lock is one hash, whose name is also the channel its
 * releases are published on:
 *
 * <ul>
 *   <li>{@code h:<token>}: a holder, valued with the Redis time (ms) at which its lease ends;
 *   <li>{@code mode}: {@code s} while shared holders hold the lock; holders without it are one exclusive
 *       holder (older versions also wrote {@code x});
 *   <li>{@code w:<token>}: a provider with a waiting writer, valued with the time its marker ends. While
 *       any writer waits, new shared requests are refused, so readers cannot starve a writer;
 *   <li>{@code waiting}: the time until which some caller, reader or writer, waits for the lock. A release
 *       publishes only while it lasts; waiters refresh it each time they are refused.
 * </ul>
 *
 * Expired entries are dropped whenever a script looks at the hash, and the hash itself expires with its
 * last entry. Times come from Redis's own clock ({@code TIME}), never from a client's.
 *
 * <p>Fencing tokens: each grant counts out a block of tokens (one, or for an exclusive lock that may pass
 * between local callers, one per local holder), starting at {@code max(last token + 1, Redis time in ms ×
 * 1024)}, and stores the block's last token in the lock's fence key. Per key they strictly increase; when
 * Redis loses the fence key (a restart without persistence), the next token still exceeds every earlier
 * one, provided Redis's clock has not gone back, the loss came at least a millisecond after the key's last
 * grant (a restart or an expiry always does), and no key was given more than 1024 tokens per millisecond
 * on average. Tokens stay below 2<sup>53</sup>, exact in Lua's numbers, until the year 2248.
 *
 * <p>The fence key expires {@link LockCommands#fenceMillis(long) a day or more} after the key's last
 * grant, far longer than any lease (a holder keeps its token while renewing). Its expiry is the same case as
 * its loss: the floor keeps the next token above every earlier one. Keeping it that long keeps tokens
 * increasing across a step back of Redis's clock while a key is in use.
 */
final class LockScripts {

    private static final String PRELUDE = """
            if redis.replicate_commands then redis.replicate_commands() end

            local function clock()
              local time = redis.call('TIME')
              return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            end

            -- Drops expired entries; counts live holders and the waiting writers other than `self`, and
            -- when the last of each expires (`held`, `others`).
            local function scan(key, self, now)
              local entries = redis.call('HGETALL', key)
              local holders, writers, latest, mode, waiting, held, others = 0, 0, 0, false, false, 0, 0
              for i = 1, #entries, 2 do
                local field, value = entries[i], entries[i + 1]
                if field == 'mode' then
                  mode = value
                else
                  local expiry = tonumber(value)
                  if expiry <= now then
                    redis.call('HDEL', key, field)
                  else
                    local kind = string.sub(field, 1, 2)
                    if kind == 'h:' then
                      holders = holders + 1
                      if expiry > held then held = expiry end
                    else
                      waiting = true
                      if kind == 'w:' and field ~= self then
                        writers = writers + 1
                        if expiry > others then others = expiry end
                      end
                    end
                    if expiry > latest then latest = expiry end
                  end
                end
              end
              if holders == 0 and mode then
                redis.call('HDEL', key, 'mode')
                mode = false
              end
              return holders, writers, latest, mode, waiting, held, others
            end

            -- The hash lives exactly as long as its longest entry.
            local function settle(key, latest)
              if latest == 0 then redis.call('DEL', key) else redis.call('PEXPIREAT', key, latest) end
            end
            """;

    /**
     * Counts out {@code count} tokens and returns the first. One call in the usual case: the clock has moved
     * on since the key's last token. Each grant gives the fence key a fresh time to live ({@code ttl} ms),
     * so keys no longer locked leave nothing behind.
     */
    private static final String FENCE = """
            local function fence(key, now, ttl, count)
              local floor = now * 1024
              local last = tonumber(redis.call('SET', key, string.format('%d', floor + count - 1), 'PX', ttl, 'GET') or '0')
              if last < floor then return floor end
              redis.call('SET', key, string.format('%d', last + count), 'PX', ttl)
              return last + 1
            end
            """;

    /**
     * KEYS: hash, fence. ARGV: token, mode ({@code x} or {@code s}), lease ms, marker ms ({@code 0} for a
     * caller that does not wait), fence key time to live ms, marker token (one per provider, whose own
     * writer marker does not hold back its readers), number of tokens to count out. Returns the first of
     * the new fencing tokens (positive) when granted;
     * otherwise minus one minus the milliseconds until what refused it expires (the holders, and for a
     * reader the other providers' writer markers; never the caller's own markers), and a waiting caller's
     * markers ({@code waiting}, and {@code w:<marker token>} for a writer) are set or refreshed.
     * A grant leaves the marker: other local waiters may still need it; {@link #STOP_WAITING} removes it.
     */
    static final RedisScript<Long> ACQUIRE = RedisScript.of(PRELUDE + FENCE + """
            local now = clock()
            local lease, marker = tonumber(ARGV[3]), tonumber(ARGV[4])
            local holder = 'h:' .. ARGV[1]
            if redis.call('EXISTS', KEYS[1]) == 0 then
              if ARGV[2] == 's' then
                redis.call('HSET', KEYS[1], holder, now + lease, 'mode', 's')
              else
                redis.call('HSET', KEYS[1], holder, now + lease)
              end
              redis.call('PEXPIRE', KEYS[1], lease)
              return fence(KEYS[2], now, ARGV[5], tonumber(ARGV[7]))
            end
            local self = 'w:' .. ARGV[6]
            local holders, writers, latest, mode, waiting, held, others = scan(KEYS[1], self, now)
            local free
            if ARGV[2] == 'x' then
              free = holders == 0
            else
              free = writers == 0 and (holders == 0 or mode == 's')
            end
            if free then
              local expiry = now + lease
              if ARGV[2] == 's' then
                redis.call('HSET', KEYS[1], holder, expiry, 'mode', 's')
              else
                redis.call('HSET', KEYS[1], holder, expiry)
              end
              settle(KEYS[1], math.max(latest, expiry))
              return fence(KEYS[2], now, ARGV[5], tonumber(ARGV[7]))
            end
            if marker > 0 then
              local expiry = now + marker
              if ARGV[2] == 'x' then redis.call('HSET', KEYS[1], self, expiry) end
              local waiting = tonumber(redis.call('HGET', KEYS[1], 'waiting') or '0')
              if expiry > waiting then redis.call('HSET', KEYS[1], 'waiting', expiry) end
              latest = math.max(latest, expiry)
            end
            settle(KEYS[1], latest)
            local refusing = held
            if ARGV[2] == 's' then refusing = math.max(held, others) end
            return -1 - (refusing - now)
            """, Long.class);

    /**
     * KEYS: hash. ARGV: token. Returns 1 when the token held the lock, else 0. When the last holder left
     * and someone waits, publishes on the hash's channel, so that waiters try again at once.
     */
    static final RedisScript<Long> RELEASE = RedisScript.of(PRELUDE + """
            if redis.call('HDEL', KEYS[1], 'h:' .. ARGV[1]) == 0 then return 0 end
            -- An exclusive holder alone: Redis dropped the emptied hash, and nobody waits.
            if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
            local holders, writers, latest, mode, waiting = scan(KEYS[1], '', clock())
            settle(KEYS[1], latest)
            if holders == 0 and waiting then redis.call('PUBLISH', KEYS[1], 'released') end
            return 1
            """, Long.class);

    /**
     * KEYS: hash. ARGV: token, marker token, marker ms. Releases like {@link #RELEASE} for a provider whose
     * local callers still wait for the lock: sets the {@code waiting} marker, so that the next release
     * publishes, but no writer marker, which only a refused attempt sets (it would hold back other
     * instances' readers that nobody refused them for); publishes the marker token, by which the provider
     * knows its own message. Returns 2 when the token held the lock and another provider's writer waits
     * for it, 1 when it held it and none does, 0 when it no longer held it.
     */
    static final RedisScript<Long> RELEASE_TO_OTHERS = RedisScript.of(PRELUDE + """
            local now = clock()
            if redis.call('HDEL', KEYS[1], 'h:' .. ARGV[1]) == 0 then return 0 end
            local holders, writers, latest, mode, waiting = scan(KEYS[1], 'w:' .. ARGV[2], now)
            local expiry = now + tonumber(ARGV[3])
            if expiry > tonumber(redis.call('HGET', KEYS[1], 'waiting') or '0') then
              redis.call('HSET', KEYS[1], 'waiting', expiry)
            end
            settle(KEYS[1], math.max(latest, expiry))
            if holders == 0 and waiting then redis.call('PUBLISH', KEYS[1], ARGV[2]) end
            if writers > 0 then return 2 end
            return 1
            """, Long.class);

    /**
     * KEYS: hash. ARGV: token, lease ms. Extends the token's lease to a full lease time from now; returns 1,
     * or 0 when the token no longer holds the lock (released, expired, or the data was lost).
     */
    static final RedisScript<Long> RENEW = RedisScript.of(PRELUDE + """
            local now = clock()
            local field = 'h:' .. ARGV[1]
            local expiry = tonumber(redis.call('HGET', KEYS[1], field) or '0')
            if expiry <= now then return 0 end
            local lease = tonumber(ARGV[2])
            redis.call('HSET', KEYS[1], field, now + lease)
            if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
            return 1
            """, Long.class);

    /**
     * KEYS: hash. ARGV: marker token. Removes the provider's writer marker; publishes when the lock is free
     * (another provider's writers may have let this one go first) or that lets shared requests in. Returns
     * 1 when there was a marker, else 0.
     */
    static final RedisScript<Long> STOP_WAITING = RedisScript.of(PRELUDE + """
            if redis.call('HDEL', KEYS[1], 'w:' .. ARGV[1]) == 0 then return 0 end
            local holders, writers, latest, mode = scan(KEYS[1], '', clock())
            settle(KEYS[1], latest)
            if holders == 0 or (writers == 0 and mode == 's') then
              redis.call('PUBLISH', KEYS[1], 'writer-left')
            end
            return 1
            """, Long.class);

    private LockScripts() {}
}
