/**
 * Lua scripts of the de-duplication ledger and the per-tenant rate limit. Each runs atomically in Redis,
 * so replicas never both claim one event id and never overdraw a tenant's bucket.
 */

/**
 * KEYS[1] the tenant's token bucket, KEYS[2] the ledger's "ready" marker, KEYS[3..] one key per event id
 * to claim, then the keys of ids accepted by earlier requests to mark as accepted (the ledger's commits,
 * carried by the next claim instead of a call of their own).
 * ARGV: token, pendingTtlMs, ratePerSecond, burst, cost, checkMarker ("1"/"0"), commits (how many of the
 * keys are commits, the last ones), commitTtlMs.
 * Returns {-2, retryAfterMs} when the tenant is over its rate, {-1} when the marker is missing (the ledger
 * was lost and must be checked against the archive), else {0, state...} with per claimed key 0 = claimed
 * now, 1 = claimed by a request still publishing, 2 = already accepted. The commits are made in every case.
 */
export const CLAIM_SCRIPT = `
local commits = tonumber(ARGV[7]) or 0
local last = #KEYS - commits
for i = last + 1, #KEYS do
  redis.call('SET', KEYS[i], 'd', 'PX', ARGV[8])
end
local cost = tonumber(ARGV[5])
local rate = tonumber(ARGV[3])
if cost > 0 then
  local burst = tonumber(ARGV[4])
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
  local tokens = tonumber(b[1])
  local ts = tonumber(b[2])
  if tokens == nil or ts == nil then
    tokens = burst
    ts = now
  end
  if now > ts then
    tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
  end
  local ttl = math.ceil(burst * 1000 / rate) + 1000
  if tokens < cost then
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
    redis.call('PEXPIRE', KEYS[1], ttl)
    return {-2, math.ceil((cost - tokens) * 1000 / rate)}
  end
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - cost), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[1], ttl)
end
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then
  return {-1}
end
local out = {0}
for i = 3, last do
  if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then
    out[#out + 1] = 0
  elseif redis.call('GET', KEYS[i]) == 'd' then
    out[#out + 1] = 2
  else
    out[#out + 1] = 1
  end
end
return out
`;

/** KEYS: event keys. ARGV: ttlMs. Marks every key as accepted for the de-duplication window. */
export const COMMIT_SCRIPT = `
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], 'd', 'PX', ARGV[1])
end
return #KEYS
`;

/** KEYS: event keys. ARGV: token. Deletes the keys this request claimed and still holds. */
export const RELEASE_SCRIPT = `
local n = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    n = n + 1
  end
end
return n
`;

/** KEYS: event keys. ARGV: ttlMs per key. Marks keys as accepted unless they exist (ledger rebuild). */
export const RESTORE_SCRIPT = `
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], 'd', 'PX', ARGV[i], 'NX')
end
return #KEYS
`;
