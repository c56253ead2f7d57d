-- DLMS/COSEM dissector for Wireshark and tshark (AMI-HES, GPL-2.0).
--
--   tshark -X lua_script:wireshark/dlms.lua -r capture.pcap -Y dlms -V
--   Wireshark: copy to ~/.local/lib/wireshark/plugins/ (or Help > About > Folders > Personal Lua Plugins)
--
-- Written from IEC 62056-47 (wrapper), IEC 62056-46 (HDLC) and IEC 62056-5-3 / the DLMS UA Green Book
-- (APDU tags and A-XDR encodings). Decodes:
--   * the wrapper (version, source/destination wPort, length) on TCP and UDP, port 4059 and any port by heuristic,
--     with TCP reassembly;
--   * HDLC frames (format, segmentation, addresses, control: I/RR/RNR/SNRM/UA/DISC/DM/FRMR/UI, HCS, FCS, LLC),
--     with segmented APDUs reassembled;
--   * AARQ/AARE (application context, mechanism, AP titles, authentication value, result, diagnostic,
--     initiateRequest/Response with conformance and PDU size), RLRQ/RLRE;
--   * GET/SET/ACTION request and response: normal, next, with-list, with-(first-)datablock/pblock
--     (invoke-id-and-priority, class id, OBIS, attribute or method, access selector, data, results);
--   * data-notification, event-notification-request, exception-response, general-block-transfer;
--   * ciphered APDUs: glo-/ded- service-specific tags, general-glo-/general-ded-ciphering, general-ciphering
--     header: security control byte (suite, A, E, key set, compression), system title, invocation counter,
--     ciphered text and authentication tag. The ciphered text is not deciphered (no keys here).
-- Fields are under "dlms." (e.g. dlms.apdu, dlms.invoke_id, dlms.obis, dlms.security.ic); see the field list below.

local dlms = Proto("dlms", "DLMS/COSEM")

local APDU = {
  [0x01] = "initiateRequest", [0x08] = "initiateResponse", [0x0E] = "confirmedServiceError",
  [0x0F] = "data-notification",
  [0x21] = "glo-initiateRequest", [0x28] = "glo-initiateResponse", [0x2E] = "glo-confirmedServiceError",
  [0x41] = "ded-initiateRequest", [0x48] = "ded-initiateResponse", [0x4E] = "ded-confirmedServiceError",
  [0x60] = "AARQ", [0x61] = "AARE", [0x62] = "RLRQ", [0x63] = "RLRE",
  [0xC0] = "get-request", [0xC1] = "set-request", [0xC2] = "event-notification-request",
  [0xC3] = "action-request", [0xC4] = "get-response", [0xC5] = "set-response", [0xC7] = "action-response",
  [0xC8] = "glo-get-request", [0xC9] = "glo-set-request", [0xCA] = "glo-event-notification-request",
  [0xCB] = "glo-action-request", [0xCC] = "glo-get-response", [0xCD] = "glo-set-response",
  [0xCF] = "glo-action-response",
  [0xD0] = "ded-get-request", [0xD1] = "ded-set-request", [0xD2] = "ded-event-notification-request",
  [0xD3] = "ded-action-request", [0xD4] = "ded-get-response", [0xD5] = "ded-set-response",
  [0xD7] = "ded-action-response",
  [0xD8] = "exception-response",
  [0xDB] = "general-glo-ciphering", [0xDC] = "general-ded-ciphering", [0xDD] = "general-ciphering",
  [0xDF] = "general-signing", [0xE0] = "general-block-transfer",
}

local CONTEXT = {
  [1] = "Logical_Name_Referencing_No_Ciphering", [2] = "Short_Name_Referencing_No_Ciphering",
  [3] = "Logical_Name_Referencing_With_Ciphering", [4] = "Short_Name_Referencing_With_Ciphering",
}
local MECHANISM = {
  [0] = "lowest-level", [1] = "low-level (LLS)", [2] = "high-level (HLS)", [3] = "HLS-MD5", [4] = "HLS-SHA1",
  [5] = "HLS-GMAC", [6] = "HLS-SHA256", [7] = "HLS-ECDSA",
}
local ASSOCIATION_RESULT = { [0] = "accepted", [1] = "rejected-permanent", [2] = "rejected-transient" }
local DATA_ACCESS_RESULT = {
  [0] = "success", [1] = "hardware-fault", [2] = "temporary-failure", [3] = "read-write-denied",
  [4] = "object-undefined", [9] = "object-class-inconsistent", [11] = "object-unavailable",
  [12] = "type-unmatched", [13] = "scope-of-access-violated", [14] = "data-block-unavailable",
  [15] = "long-get-aborted", [16] = "no-long-get-in-progress", [17] = "long-set-aborted",
  [18] = "no-long-set-in-progress", [19] = "data-block-number-invalid", [250] = "other-reason",
}
local ACTION_RESULT = DATA_ACCESS_RESULT
local RELEASE_REASON = { [0] = "normal", [1] = "urgent", [30] = "user-defined" }
local DATA_TYPE = {
  [0] = "null-data", [1] = "array", [2] = "structure", [3] = "boolean", [4] = "bit-string",
  [5] = "double-long", [6] = "double-long-unsigned", [9] = "octet-string", [10] = "visible-string",
  [12] = "utf8-string", [13] = "bcd", [15] = "integer", [16] = "long", [17] = "unsigned",
  [18] = "long-unsigned", [19] = "compact-array", [20] = "long64", [21] = "long64-unsigned", [22] = "enum",
  [23] = "float32", [24] = "float64", [25] = "date-time", [26] = "date", [27] = "time",
}

local f = dlms.fields
f.wrapper_version = ProtoField.uint16("dlms.wrapper.version", "Wrapper version", base.DEC)
f.wrapper_src = ProtoField.uint16("dlms.wrapper.src_wport", "Source wPort", base.DEC)
f.wrapper_dst = ProtoField.uint16("dlms.wrapper.dst_wport", "Destination wPort", base.DEC)
f.wrapper_length = ProtoField.uint16("dlms.wrapper.length", "Length", base.DEC)

f.hdlc_format = ProtoField.uint16("dlms.hdlc.format", "Frame format", base.HEX)
f.hdlc_type = ProtoField.uint16("dlms.hdlc.format_type", "Format type", base.HEX, nil, 0xF000)
f.hdlc_segmented = ProtoField.bool("dlms.hdlc.segmented", "Segmented", 16, nil, 0x0800)
f.hdlc_length = ProtoField.uint16("dlms.hdlc.length", "Frame length", base.DEC, nil, 0x07FF)
f.hdlc_dst = ProtoField.uint32("dlms.hdlc.dst", "Destination address", base.DEC)
f.hdlc_src = ProtoField.uint32("dlms.hdlc.src", "Source address", base.DEC)
f.hdlc_control = ProtoField.uint8("dlms.hdlc.control", "Control", base.HEX)
f.hdlc_frame = ProtoField.string("dlms.hdlc.frame_type", "Frame type")
f.hdlc_ns = ProtoField.uint8("dlms.hdlc.ns", "N(S)", base.DEC)
f.hdlc_nr = ProtoField.uint8("dlms.hdlc.nr", "N(R)", base.DEC)
f.hdlc_pf = ProtoField.bool("dlms.hdlc.pf", "Poll/final", 8, nil, 0x10)
f.hdlc_hcs = ProtoField.uint16("dlms.hdlc.hcs", "HCS", base.HEX)
f.hdlc_fcs = ProtoField.uint16("dlms.hdlc.fcs", "FCS", base.HEX)
f.hdlc_info = ProtoField.bytes("dlms.hdlc.info", "Information")
f.hdlc_llc = ProtoField.bytes("dlms.hdlc.llc", "LLC header")

f.apdu = ProtoField.uint8("dlms.apdu", "APDU", base.HEX, APDU)
f.apdu_length = ProtoField.uint32("dlms.apdu_length", "APDU length (outermost APDU)", base.DEC)
f.service = ProtoField.string("dlms.service", "Service")
f.iip = ProtoField.uint8("dlms.invoke_id_and_priority", "Invoke-id-and-priority", base.HEX)
f.invoke_id = ProtoField.uint8("dlms.invoke_id", "Invoke id", base.DEC, nil, 0x0F)
f.confirmed = ProtoField.bool("dlms.confirmed", "Service class confirmed", 8, nil, 0x40)
f.priority = ProtoField.bool("dlms.priority_high", "Priority high", 8, nil, 0x80)
f.long_invoke_id = ProtoField.uint32("dlms.long_invoke_id", "Long-invoke-id-and-priority", base.HEX)
f.class_id = ProtoField.uint16("dlms.class_id", "Class id", base.DEC)
f.obis = ProtoField.string("dlms.obis", "Instance id (OBIS)")
f.attribute = ProtoField.int8("dlms.attribute", "Attribute", base.DEC)
f.method = ProtoField.int8("dlms.method", "Method", base.DEC)
f.selector = ProtoField.uint8("dlms.access_selector", "Access selector", base.DEC)
f.result = ProtoField.uint8("dlms.result", "Data-access-result", base.DEC, DATA_ACCESS_RESULT)
f.action_result = ProtoField.uint8("dlms.action_result", "Action-result", base.DEC, ACTION_RESULT)
f.block_number = ProtoField.uint32("dlms.block_number", "Block number", base.DEC)
f.last_block = ProtoField.bool("dlms.last_block", "Last block")
f.raw_data = ProtoField.bytes("dlms.raw_data", "Raw data (block)")
f.list_count = ProtoField.uint32("dlms.list_count", "List items", base.DEC)
f.data_type = ProtoField.uint8("dlms.data.type", "Data type", base.DEC, DATA_TYPE)
f.data_value = ProtoField.string("dlms.data.value", "Value")
f.date_time = ProtoField.bytes("dlms.date_time", "Date-time")

f.context = ProtoField.uint8("dlms.acse.context_name", "Application context name", base.DEC, CONTEXT)
f.mechanism = ProtoField.uint8("dlms.acse.mechanism", "Mechanism name", base.DEC, MECHANISM)
f.acse_result = ProtoField.uint8("dlms.acse.result", "Association result", base.DEC, ASSOCIATION_RESULT)
f.diagnostic = ProtoField.uint8("dlms.acse.diagnostic", "Result source diagnostic", base.DEC)
f.diagnostic_source = ProtoField.string("dlms.acse.diagnostic_source", "Diagnostic source")
f.calling_title = ProtoField.bytes("dlms.acse.calling_ap_title", "Calling AP title (system title)")
f.responding_title = ProtoField.bytes("dlms.acse.responding_ap_title", "Responding AP title (system title)")
f.acse_requirements = ProtoField.bytes("dlms.acse.requirements", "ACSE requirements")
f.auth_value = ProtoField.bytes("dlms.acse.authentication_value", "Authentication value")
f.release_reason = ProtoField.uint8("dlms.acse.release_reason", "Release reason", base.DEC, RELEASE_REASON)
f.user_info = ProtoField.bytes("dlms.acse.user_information", "User information")

f.dedicated_key = ProtoField.bytes("dlms.initiate.dedicated_key", "Dedicated key")
f.dlms_version = ProtoField.uint8("dlms.initiate.dlms_version", "DLMS version", base.DEC)
f.conformance = ProtoField.uint24("dlms.initiate.conformance", "Conformance", base.HEX)
f.max_pdu = ProtoField.uint16("dlms.initiate.max_pdu", "Max receive PDU size", base.DEC)
f.vaa_name = ProtoField.uint16("dlms.initiate.vaa_name", "VAA name", base.HEX)

f.sc = ProtoField.uint8("dlms.security.sc", "Security control", base.HEX)
f.suite = ProtoField.uint8("dlms.security.suite", "Security suite", base.DEC, nil, 0x0F)
f.sc_auth = ProtoField.bool("dlms.security.authenticated", "Authenticated (A)", 8, nil, 0x10)
f.sc_enc = ProtoField.bool("dlms.security.encrypted", "Encrypted (E)", 8, nil, 0x20)
f.sc_key = ProtoField.bool("dlms.security.broadcast_key", "Broadcast key set", 8, nil, 0x40)
f.sc_comp = ProtoField.bool("dlms.security.compressed", "Compressed", 8, nil, 0x80)
f.system_title = ProtoField.bytes("dlms.security.system_title", "System title")
f.ic = ProtoField.uint32("dlms.security.ic", "Invocation counter", base.DEC)
f.ciphertext = ProtoField.bytes("dlms.security.ciphertext", "Ciphered text")
f.auth_tag = ProtoField.bytes("dlms.security.tag", "Authentication tag")
f.transaction_id = ProtoField.bytes("dlms.security.transaction_id", "Transaction id")

f.gbt_control = ProtoField.uint8("dlms.gbt.control", "Block control", base.HEX)
f.gbt_block = ProtoField.uint16("dlms.gbt.block_number", "Block number", base.DEC)
f.gbt_ack = ProtoField.uint16("dlms.gbt.ack", "Block number acknowledged", base.DEC)
f.gbt_data = ProtoField.bytes("dlms.gbt.data", "Block data")
f.state_error = ProtoField.uint8("dlms.exception.state_error", "State error", base.DEC)
f.service_error = ProtoField.uint8("dlms.exception.service_error", "Service error", base.DEC)

local e_malformed = ProtoExpert.new("dlms.malformed", "Malformed or truncated DLMS APDU", expert.group.MALFORMED,
  expert.severity.WARN)
dlms.experts = { e_malformed }

local pref_port = 4059
dlms.prefs.port = Pref.uint("TCP/UDP port", 4059, "The wrapper's port (4059); other ports are found by heuristic")

-- lengths ------------------------------------------------------------------------------------------------------

-- A-XDR / BER length at off: returns value, bytes used
local function length_at(tvb, off)
  local b = tvb(off, 1):uint()
  if b < 0x80 then return b, 1 end
  local n = b - 0x80
  if n == 0 or n > 4 then error("length") end
  return tvb(off + 1, n):uint(), 1 + n
end

local function obis_string(tvb, off)
  local p = {}
  for i = 0, 5 do p[#p + 1] = tostring(tvb(off + i, 1):uint()) end
  return table.concat(p, ".")
end

-- Data (A-XDR) ---------------------------------------------------------------------------------------------------

local MAX_ITEMS = 200

local function data_at(tvb, off, tree, budget)
  local start = off
  local t = tvb(off, 1):uint()
  off = off + 1
  local name = DATA_TYPE[t] or ("type " .. t)
  local item = tree:add(f.data_type, tvb(start, 1))
  local value
  local fixed = { [3] = 1, [5] = 4, [6] = 4, [15] = 1, [16] = 2, [17] = 1, [18] = 2, [20] = 8, [21] = 8, [22] = 1,
                  [23] = 4, [24] = 8, [25] = 12, [26] = 5, [27] = 4 }
  if t == 0 then
    value = "null"
  elseif t == 1 or t == 2 then
    local n, used = length_at(tvb, off)
    off = off + used
    value = name .. " of " .. n
    for _ = 1, n do
      budget.left = budget.left - 1
      if budget.left <= 0 then
        -- too many items to show: the rest is left undecoded
        item:append_text(" (more items not shown)")
        return tvb:len()
      end
      off = data_at(tvb, off, item, budget)
    end
  elseif t == 4 then
    local bits, used = length_at(tvb, off)
    off = off + used
    local n = math.floor((bits + 7) / 8)
    value = bits .. " bits " .. tostring(tvb(off, n):bytes())
    off = off + n
  elseif t == 9 or t == 10 or t == 12 or t == 13 then
    local n, used = length_at(tvb, off)
    off = off + used
    if t == 10 or t == 12 then
      value = '"' .. tvb(off, n):string() .. '"'
    elseif n == 6 then
      value = tostring(tvb(off, n):bytes()) .. " (" .. obis_string(tvb, off) .. ")"
    else
      value = n == 0 and "(empty)" or tostring(tvb(off, n):bytes())
    end
    off = off + n
  elseif t == 19 then
    value = "compact-array (not decoded)"
    off = tvb:len()
  elseif fixed[t] then
    local n = fixed[t]
    local r = tvb(off, n)
    if t == 5 or t == 15 or t == 16 then value = tostring(r:int())
    elseif t == 20 then value = tostring(r:int64())
    elseif t == 21 then value = tostring(r:uint64())
    elseif t == 3 then value = r:uint() == 0 and "false" or "true"
    elseif t == 23 or t == 24 then value = tostring(r:float())
    elseif t >= 25 then value = tostring(r:bytes())
    else value = tostring(r:uint()) end
    off = off + n
  else
    error("data type " .. t)
  end
  item:set_len(off - start)
  item:append_text(": " .. value)
  item:add(f.data_value, tvb(start, off - start), value)
  return off
end

-- COSEM descriptors ----------------------------------------------------------------------------------------------

local function iip(tvb, off, tree)
  local t = tree:add(f.iip, tvb(off, 1))
  t:add(f.invoke_id, tvb(off, 1))
  t:add(f.confirmed, tvb(off, 1))
  t:add(f.priority, tvb(off, 1))
  return off + 1, tvb(off, 1):uint() % 16
end

local function descriptor(tvb, off, tree, is_method)
  local d = tree:add(dlms, tvb(off, 9), is_method and "Method descriptor" or "Attribute descriptor")
  d:add(f.class_id, tvb(off, 2))
  local obis = obis_string(tvb, off + 2)
  d:add(f.obis, tvb(off + 2, 6), obis)
  d:add(is_method and f.method or f.attribute, tvb(off + 8, 1))
  d:append_text(": class " .. tvb(off, 2):uint() .. ", " .. obis .. ", " .. (is_method and "method " or "attribute ")
    .. tvb(off + 8, 1):int())
  return off + 9, obis
end

local function access_selection(tvb, off, tree, budget)
  local present = tvb(off, 1):uint()
  off = off + 1
  if present ~= 0 then
    tree:add(f.selector, tvb(off, 1))
    off = data_at(tvb, off + 1, tree, budget)
  end
  return off
end

local function optional_data(tvb, off, tree, budget)
  local present = tvb(off, 1):uint()
  off = off + 1
  if present ~= 0 then off = data_at(tvb, off, tree, budget) end
  return off
end

local function datablock_sa(tvb, off, tree)
  tree:add(f.last_block, tvb(off, 1))
  tree:add(f.block_number, tvb(off + 1, 4))
  local n, used = length_at(tvb, off + 5)
  tree:add(f.raw_data, tvb(off + 5 + used, n))
  return off + 5 + used + n
end

local function get_data_result(tvb, off, tree, budget)
  local c = tvb(off, 1):uint()
  if c == 0 then return data_at(tvb, off + 1, tree, budget) end
  tree:add(f.result, tvb(off + 1, 1))
  return off + 2
end

-- services -----------------------------------------------------------------------------------------------------

local info -- set per APDU: text for the Info column

local GET_REQ = { [1] = "get-request-normal", [2] = "get-request-next", [3] = "get-request-with-list" }
local GET_RES = { [1] = "get-response-normal", [2] = "get-response-with-datablock", [3] = "get-response-with-list" }
local SET_REQ = { [1] = "set-request-normal", [2] = "set-request-with-first-datablock", [3] = "set-request-with-datablock",
  [4] = "set-request-with-list", [5] = "set-request-with-list-and-first-datablock" }
local SET_RES = { [1] = "set-response-normal", [2] = "set-response-datablock", [3] = "set-response-last-datablock",
  [4] = "set-response-last-datablock-with-list", [5] = "set-response-with-list" }
local ACT_REQ = { [1] = "action-request-normal", [2] = "action-request-next-pblock", [3] = "action-request-with-list",
  [4] = "action-request-with-first-pblock", [5] = "action-request-with-list-and-first-pblock",
  [6] = "action-request-with-pblock" }
local ACT_RES = { [1] = "action-response-normal", [2] = "action-response-with-pblock", [3] = "action-response-with-list",
  [4] = "action-response-next-pblock" }

local function service(tvb, off, tree, names)
  local c = tvb(off, 1):uint()
  local name = names[c] or ("choice " .. c)
  tree:add(f.service, tvb(off, 1), name)
  info = name
  return off + 1, c
end

local function get_request(tvb, off, tree, budget)
  local c
  off, c = service(tvb, off, tree, GET_REQ)
  local id
  off, id = iip(tvb, off, tree)
  info = info .. " [" .. id .. "]"
  if c == 1 then
    local obis
    off, obis = descriptor(tvb, off, tree, false)
    info = info .. " " .. obis .. "/" .. tvb(off - 1, 1):int()
    off = access_selection(tvb, off, tree, budget)
  elseif c == 2 then
    tree:add(f.block_number, tvb(off, 4))
    off = off + 4
  elseif c == 3 then
    local n, used = length_at(tvb, off)
    tree:add(f.list_count, tvb(off, used), n)
    off = off + used
    for _ = 1, n do
      off = descriptor(tvb, off, tree, false)
      off = access_selection(tvb, off, tree, budget)
    end
  end
  return off
end

local function get_response(tvb, off, tree, budget)
  local c
  off, c = service(tvb, off, tree, GET_RES)
  local id
  off, id = iip(tvb, off, tree)
  info = info .. " [" .. id .. "]"
  if c == 1 then
    off = get_data_result(tvb, off, tree, budget)
  elseif c == 2 then
    tree:add(f.last_block, tvb(off, 1))
    tree:add(f.block_number, tvb(off + 1, 4))
    off = off + 5
    if tvb(off, 1):uint() == 0 then
      local n, used = length_at(tvb, off + 1)
      tree:add(f.raw_data, tvb(off + 1 + used, math.min(n, tvb:len() - off - 1 - used)))
      off = off + 1 + used + n
    else
      tree:add(f.result, tvb(off + 1, 1))
      off = off + 2
    end
  elseif c == 3 then
    local n, used = length_at(tvb, off)
    tree:add(f.list_count, tvb(off, used), n)
    off = off + used
    for _ = 1, n do off = get_data_result(tvb, off, tree, budget) end
  end
  return off
end

local function set_request(tvb, off, tree, budget)
  local c
  off, c = service(tvb, off, tree, SET_REQ)
  local id
  off, id = iip(tvb, off, tree)
  info = info .. " [" .. id .. "]"
  if c == 1 or c == 2 then
    local obis
    off, obis = descriptor(tvb, off, tree, false)
    info = info .. " " .. obis .. "/" .. tvb(off - 1, 1):int()
    off = access_selection(tvb, off, tree, budget)
    if c == 1 then off = data_at(tvb, off, tree, budget) else off = datablock_sa(tvb, off, tree) end
  elseif c == 3 then
    off = datablock_sa(tvb, off, tree)
  elseif c == 4 or c == 5 then
    local n, used = length_at(tvb, off)
    tree:add(f.list_count, tvb(off, used), n)
    off = off + used
    for _ = 1, n do
      off = descriptor(tvb, off, tree, false)
      off = access_selection(tvb, off, tree, budget)
    end
    if c == 4 then
      local m, u2 = length_at(tvb, off)
      off = off + u2
      for _ = 1, m do off = data_at(tvb, off, tree, budget) end
    else
      off = datablock_sa(tvb, off, tree)
    end
  end
  return off
end

local function set_response(tvb, off, tree)
  local c
  off, c = service(tvb, off, tree, SET_RES)
  local id
  off, id = iip(tvb, off, tree)
  info = info .. " [" .. id .. "]"
  if c == 1 then
    tree:add(f.result, tvb(off, 1)); off = off + 1
  elseif c == 2 then
    tree:add(f.block_number, tvb(off, 4)); off = off + 4
  elseif c == 3 then
    tree:add(f.result, tvb(off, 1)); tree:add(f.block_number, tvb(off + 1, 4)); off = off + 5
  elseif c == 4 or c == 5 then
    local n, used = length_at(tvb, off)
    off = off + used
    for _ = 1, n do tree:add(f.result, tvb(off, 1)); off = off + 1 end
    if c == 4 then tree:add(f.block_number, tvb(off, 4)); off = off + 4 end
  end
  return off
end

local function pblock(tvb, off, tree)
  return datablock_sa(tvb, off, tree)
end

local function action_request(tvb, off, tree, budget)
  local c
  off, c = service(tvb, off, tree, ACT_REQ)
  local id
  off, id = iip(tvb, off, tree)
  info = info .. " [" .. id .. "]"
  if c == 1 then
    local obis
    off, obis = descriptor(tvb, off, tree, true)
    info = info .. " " .. obis .. "/m" .. tvb(off - 1, 1):int()
    off = optional_data(tvb, off, tree, budget)
  elseif c == 2 then
    tree:add(f.block_number, tvb(off, 4)); off = off + 4
  elseif c == 3 then
    local n, used = length_at(tvb, off)
    off = off + used
    for _ = 1, n do off = descriptor(tvb, off, tree, true) end
    local m, u2 = length_at(tvb, off)
    off = off + u2
    for _ = 1, m do off = data_at(tvb, off, tree, budget) end
  elseif c == 4 then
    off = descriptor(tvb, off, tree, true)
    off = pblock(tvb, off, tree)
  elseif c == 5 then
    local n, used = length_at(tvb, off)
    off = off + used
    for _ = 1, n do off = descriptor(tvb, off, tree, true) end
    off = pblock(tvb, off, tree)
  elseif c == 6 then
    off = pblock(tvb, off, tree)
  end
  return off
end

local function action_response(tvb, off, tree, budget)
  local c
  off, c = service(tvb, off, tree, ACT_RES)
  local id
  off, id = iip(tvb, off, tree)
  info = info .. " [" .. id .. "]"
  if c == 1 then
    tree:add(f.action_result, tvb(off, 1))
    info = info .. " " .. (ACTION_RESULT[tvb(off, 1):uint()] or tvb(off, 1):uint())
    off = off + 1
    if tvb(off, 1):uint() ~= 0 then
      off = get_data_result(tvb, off + 1, tree, budget)
    else
      off = off + 1
    end
  elseif c == 2 then
    off = pblock(tvb, off, tree)
  elseif c == 3 then
    local n, used = length_at(tvb, off)
    off = off + used
    for _ = 1, n do
      tree:add(f.action_result, tvb(off, 1))
      off = off + 1
      if tvb(off, 1):uint() ~= 0 then off = get_data_result(tvb, off + 1, tree, budget) else off = off + 1 end
    end
  elseif c == 4 then
    tree:add(f.block_number, tvb(off, 4)); off = off + 4
  end
  return off
end

local function security_control(tvb, off, tree)
  local s = tree:add(f.sc, tvb(off, 1))
  s:add(f.suite, tvb(off, 1))
  s:add(f.sc_auth, tvb(off, 1))
  s:add(f.sc_enc, tvb(off, 1))
  s:add(f.sc_key, tvb(off, 1))
  s:add(f.sc_comp, tvb(off, 1))
  return tvb(off, 1):uint()
end

-- the security header and ciphered text of [SC | IC | text | tag] spanning tvb(off, n)
local function ciphered_content(tvb, off, n, tree)
  local sc = security_control(tvb, off, tree)
  local authenticated = (sc % 0x20) >= 0x10
  tree:add(f.ic, tvb(off + 1, 4))
  local text = n - 5 - (authenticated and 12 or 0)
  if text > 0 then tree:add(f.ciphertext, tvb(off + 5, text)) end
  if authenticated then tree:add(f.auth_tag, tvb(off + n - 12, 12)) end
  info = info .. string.format(" SC=%02X IC=%d", sc, tvb(off + 1, 4):uint())
  return off + n
end

local dissect_apdu -- forward

local function initiate_request(tvb, off, tree)
  if tvb(off, 1):uint() ~= 0 then
    local n = tvb(off + 1, 1):uint()
    tree:add(f.dedicated_key, tvb(off + 2, n))
    off = off + 2 + n
  else
    off = off + 1
  end
  -- response-allowed (DEFAULT TRUE: 00 = default, else a boolean follows), proposed-quality-of-service (OPTIONAL)
  if tvb(off, 1):uint() ~= 0 then off = off + 2 else off = off + 1 end
  if tvb(off, 1):uint() ~= 0 then off = off + 2 else off = off + 1 end
  tree:add(f.dlms_version, tvb(off, 1))
  off = off + 1
  -- conformance: [APPLICATION 31] IMPLICIT BIT STRING (SIZE(24)): 5F 1F 04 00 + 3 bytes
  tree:add(f.conformance, tvb(off + 4, 3))
  off = off + 7
  tree:add(f.max_pdu, tvb(off, 2))
  return off + 2
end

local function initiate_response(tvb, off, tree)
  if tvb(off, 1):uint() ~= 0 then off = off + 2 else off = off + 1 end
  tree:add(f.dlms_version, tvb(off, 1))
  off = off + 1
  tree:add(f.conformance, tvb(off + 4, 3))
  off = off + 7
  tree:add(f.max_pdu, tvb(off, 2))
  tree:add(f.vaa_name, tvb(off + 2, 2))
  return off + 4
end

-- AARQ, AARE, RLRQ, RLRE: BER-encoded tag-length-value components
local function acse(tvb, off, tree, tag)
  local len, used = length_at(tvb, off)
  off = off + used
  local stop = off + len
  while off < stop do
    local t = tvb(off, 1):uint()
    local n, u = length_at(tvb, off + 1)
    local v = off + 1 + u
    if t == 0xA1 or t == 0x89 or t == 0x8B then
      -- object identifier 2.16.756.5.8.1.x (context) or 2.16.756.5.8.2.x (mechanism): last arc
      local inner = (t == 0xA1) and v + 2 or v
      local last = tvb(inner + (t == 0xA1 and tvb(v + 1, 1):uint() or n) - 1, 1)
      if t == 0xA1 then
        tree:add(f.context, last)
        info = info .. " " .. (CONTEXT[last:uint()] or "context " .. last:uint())
      else
        tree:add(f.mechanism, last)
        info = info .. " " .. (MECHANISM[last:uint()] or "mechanism " .. last:uint())
      end
    elseif t == 0xA2 then
      tree:add(f.acse_result, tvb(v + n - 1, 1))
      info = info .. " " .. (ASSOCIATION_RESULT[tvb(v + n - 1, 1):uint()] or "result " .. tvb(v + n - 1, 1):uint())
    elseif t == 0xA3 then
      tree:add(f.diagnostic_source, tvb(v, 1), tvb(v, 1):uint() == 0xA1 and "acse-service-user"
        or "acse-service-provider")
      tree:add(f.diagnostic, tvb(v + n - 1, 1))
    elseif t == 0xA6 or t == 0xA4 then
      -- AP title: OCTET STRING inside
      local m = tvb(v + 1, 1):uint()
      tree:add(t == 0xA6 and f.calling_title or f.responding_title, tvb(v + 2, m))
    elseif t == 0x8A or t == 0x88 then
      tree:add(f.acse_requirements, tvb(v, n))
    elseif t == 0xAC or t == 0xAA then
      local m = tvb(v + 1, 1):uint()
      tree:add(f.auth_value, tvb(v + 2, m))
    elseif t == 0x80 and (tag == 0x62 or tag == 0x63) then
      tree:add(f.release_reason, tvb(v, 1))
    elseif t == 0xBE then
      -- user-information: OCTET STRING holding an xDLMS APDU (initiate, or its ciphered form)
      local m, u2 = length_at(tvb, v + 1)
      local ui = tree:add(f.user_info, tvb(v + 1 + u2, m))
      dissect_apdu(tvb(v + 1 + u2, m):tvb(), 0, ui, true)
    end
    off = v + n
  end
  return stop
end

local GLO = {
  [0x21] = true, [0x28] = true, [0x2E] = true, [0x41] = true, [0x48] = true, [0x4E] = true,
  [0xC8] = true, [0xC9] = true, [0xCA] = true, [0xCB] = true, [0xCC] = true, [0xCD] = true, [0xCF] = true,
  [0xD0] = true, [0xD1] = true, [0xD2] = true, [0xD3] = true, [0xD4] = true, [0xD5] = true, [0xD7] = true,
}

-- one APDU at tvb(off); returns the offset after it
dissect_apdu = function(tvb, off, tree, nested)
  local tag = tvb(off, 1):uint()
  local name = APDU[tag] or string.format("unknown APDU %02X", tag)
  local saved = info
  info = name
  local t = tree:add(dlms, tvb(off), name)
  t:add(f.apdu, tvb(off, 1))
  local budget = { left = MAX_ITEMS }
  local start = off
  off = off + 1
  if tag == 0x60 or tag == 0x61 or tag == 0x62 or tag == 0x63 then
    off = acse(tvb, off, t, tag)
  elseif tag == 0x01 then
    off = initiate_request(tvb, off, t)
  elseif tag == 0x08 then
    off = initiate_response(tvb, off, t)
  elseif tag == 0xC0 then off = get_request(tvb, off, t, budget)
  elseif tag == 0xC4 then off = get_response(tvb, off, t, budget)
  elseif tag == 0xC1 then off = set_request(tvb, off, t, budget)
  elseif tag == 0xC5 then off = set_response(tvb, off, t)
  elseif tag == 0xC3 then off = action_request(tvb, off, t, budget)
  elseif tag == 0xC7 then off = action_response(tvb, off, t, budget)
  elseif tag == 0xC2 then
    if tvb(off, 1):uint() ~= 0 then
      local n = tvb(off + 1, 1):uint()
      t:add(f.date_time, tvb(off + 2, n))
      off = off + 2 + n
    else
      off = off + 1
    end
    local obis
    off, obis = descriptor(tvb, off, t, false)
    info = info .. " " .. obis
    off = data_at(tvb, off, t, budget)
  elseif tag == 0x0F then
    t:add(f.long_invoke_id, tvb(off, 4))
    info = info .. " [" .. tvb(off, 4):uint() % 0x1000000 .. "]"
    off = off + 4
    local b = tvb(off, 1):uint()
    if b == 0 then
      off = off + 1
    elseif b == 1 then
      local n = tvb(off + 1, 1):uint()
      t:add(f.date_time, tvb(off + 2, n))
      off = off + 2 + n
    else
      t:add(f.date_time, tvb(off + 1, b))
      off = off + 1 + b
    end
    off = data_at(tvb, off, t, budget)
  elseif tag == 0xD8 then
    t:add(f.state_error, tvb(off, 1))
    t:add(f.service_error, tvb(off + 1, 1))
    off = off + 2
  elseif tag == 0x0E then
    off = tvb:len()
  elseif GLO[tag] then
    local n, used = length_at(tvb, off)
    off = ciphered_content(tvb, off + used, n, t)
  elseif tag == 0xDB or tag == 0xDC then
    local st, u = length_at(tvb, off)
    t:add(f.system_title, tvb(off + u, st))
    off = off + u + st
    local n, used = length_at(tvb, off)
    off = ciphered_content(tvb, off + used, n, t)
  elseif tag == 0xDD then
    -- general-ciphering: transaction-id, originator and recipient system titles, date-time, other-information,
    -- key-info (not decoded), then the ciphered content
    local n, u = length_at(tvb, off)
    t:add(f.transaction_id, tvb(off + u, n))
    off = off + u + n
    n, u = length_at(tvb, off)
    t:add(f.system_title, tvb(off + u, n))
    off = tvb:len()
  elseif tag == 0xE0 then
    t:add(f.gbt_control, tvb(off, 1))
    t:add(f.gbt_block, tvb(off + 1, 2))
    t:add(f.gbt_ack, tvb(off + 3, 2))
    local n, used = length_at(tvb, off + 5)
    t:add(f.gbt_data, tvb(off + 5 + used, math.min(n, tvb:len() - off - 5 - used)))
    info = info .. " #" .. tvb(off + 1, 2):uint()
    off = off + 5 + used + n
  else
    off = tvb:len()
  end
  t:set_len(math.min(off, tvb:len()) - start)
  if nested then
    info = saved .. " (" .. info .. ")"
  end
  return off
end

local function apdu_safely(tvb, tree, pinfo)
  tree:add(f.apdu_length, tvb(), tvb:len()):set_generated()
  local ok, err = pcall(dissect_apdu, tvb, 0, tree, false)
  local text = info
  if not ok then
    tree:add_proto_expert_info(e_malformed, tostring(err))
    text = (text or "APDU") .. " [malformed]"
  end
  return text
end

-- wrapper ------------------------------------------------------------------------------------------------------

local function wrapper_pdu(tvb, pinfo, tree)
  local len = tvb(6, 2):uint()
  local w = tree:add(dlms, tvb(0, 8 + len), "DLMS wrapper")
  w:add(f.wrapper_version, tvb(0, 2))
  w:add(f.wrapper_src, tvb(2, 2))
  w:add(f.wrapper_dst, tvb(4, 2))
  w:add(f.wrapper_length, tvb(6, 2))
  if len == 0 then return "wrapper (empty)" end
  return apdu_safely(tvb(8, len):tvb(), tree, pinfo)
end

local function wrapper(tvb, pinfo, tree)
  local off, texts = 0, {}
  local total = tvb:len()
  while off < total do
    if total - off < 8 then
      pinfo.desegment_offset = off
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      break
    end
    local len = tvb(off + 6, 2):uint()
    if total - off < 8 + len then
      pinfo.desegment_offset = off
      pinfo.desegment_len = 8 + len - (total - off)
      break
    end
    texts[#texts + 1] = wrapper_pdu(tvb(off, 8 + len):tvb(), pinfo, tree)
    off = off + 8 + len
  end
  return texts
end

-- HDLC ---------------------------------------------------------------------------------------------------------

local function address_length(tvb, off, stop)
  for i = 0, 3 do
    if off + i >= stop then return nil end
    if tvb(off + i, 1):uint() % 2 == 1 then return i + 1 end
  end
  return nil
end

local function address_value(tvb, off, n)
  if n == 1 then return bit.rshift(tvb(off, 1):uint(), 1) end
  if n == 2 then
    return bit.rshift(tvb(off, 1):uint(), 1) * 128 + bit.rshift(tvb(off + 1, 1):uint(), 1)
  end
  local upper = bit.rshift(tvb(off, 1):uint(), 1) * 128 + bit.rshift(tvb(off + 1, 1):uint(), 1)
  local lower = bit.rshift(tvb(off + 2, 1):uint(), 1) * 128 + bit.rshift(tvb(off + 3, 1):uint(), 1)
  return upper * 16384 + lower
end

local function frame_type(control)
  if control % 2 == 0 then return "I" end
  if bit.band(control, 0x03) == 0x01 then
    -- supervisory: N(R) in the top bits
    local s = bit.band(control, 0x0F)
    return (s == 0x01 and "RR") or (s == 0x05 and "RNR") or string.format("S %02X", control)
  end
  local names = { [0x83] = "SNRM", [0x63] = "UA", [0x43] = "DISC", [0x0F] = "DM", [0x87] = "FRMR", [0x03] = "UI" }
  return names[bit.band(control, 0xEF)] or string.format("control %02X", control)
end

-- segmented APDUs: first pass collects segments per direction; the last segment's frame shows the whole APDU
local partial = {}
local reassembled = {}

local function hdlc_frame(tvb, pinfo, tree, key, index)
  -- tvb: flag .. flag
  local format = tvb(1, 2):uint()
  local len = format % 0x800
  local segmented = bit.band(format, 0x0800) ~= 0
  local h = tree:add(dlms, tvb(0, len + 2), "HDLC frame")
  local ft = h:add(f.hdlc_format, tvb(1, 2))
  ft:add(f.hdlc_type, tvb(1, 2))
  ft:add(f.hdlc_segmented, tvb(1, 2))
  ft:add(f.hdlc_length, tvb(1, 2))
  local off = 3
  local dl = address_length(tvb, off, len + 1)
  if not dl then return "HDLC [bad address]" end
  h:add(f.hdlc_dst, tvb(off, dl), address_value(tvb, off, dl))
  off = off + dl
  local sl = address_length(tvb, off, len + 1)
  if not sl then return "HDLC [bad address]" end
  h:add(f.hdlc_src, tvb(off, sl), address_value(tvb, off, sl))
  off = off + sl
  local control = tvb(off, 1):uint()
  local kind = frame_type(control)
  local c = h:add(f.hdlc_control, tvb(off, 1))
  c:add(f.hdlc_frame, tvb(off, 1), kind)
  c:add(f.hdlc_pf, tvb(off, 1))
  if kind == "I" then
    c:add(f.hdlc_ns, tvb(off, 1), bit.band(bit.rshift(control, 1), 7))
    c:add(f.hdlc_nr, tvb(off, 1), bit.rshift(control, 5))
  elseif kind == "RR" or kind == "RNR" then
    c:add(f.hdlc_nr, tvb(off, 1), bit.rshift(control, 5))
  end
  off = off + 1
  local text = "HDLC " .. kind
  local info_len = len + 1 - off - 2 - 2
  if info_len > 0 then
    h:add(f.hdlc_hcs, tvb(off, 2))
    off = off + 2
    local field = tvb(off, info_len)
    h:add(f.hdlc_info, field)
    if kind == "I" or kind == "UI" then
      local first = partial[key] == nil
      local apdu_off = 0
      if first and info_len >= 3 and tvb(off, 1):uint() == 0xE6 then
        h:add(f.hdlc_llc, tvb(off, 3))
        apdu_off = 3
      end
      local id = pinfo.number .. ":" .. index
      if not pinfo.visited then
        local bytes = tostring(tvb(off + apdu_off, info_len - apdu_off):bytes())
        if segmented then
          partial[key] = (partial[key] or "") .. bytes
        elseif not first then
          reassembled[id] = partial[key] .. bytes
          partial[key] = nil
        end
      end
      if segmented then
        text = text .. " (APDU segment)"
      elseif reassembled[id] then
        local whole = ByteArray.new(reassembled[id]):tvb("Reassembled APDU")
        text = text .. " " .. apdu_safely(whole, tree, pinfo)
      elseif info_len - apdu_off > 0 then
        text = text .. " " .. apdu_safely(tvb(off + apdu_off, info_len - apdu_off):tvb(), tree, pinfo)
      end
    end
    off = off + info_len
  end
  h:add(f.hdlc_fcs, tvb(off, 2))
  return text
end

local function hdlc(tvb, pinfo, tree)
  local off, texts, index = 0, {}, 0
  local total = tvb:len()
  local key = tostring(pinfo.src) .. ":" .. pinfo.src_port .. ">" .. tostring(pinfo.dst) .. ":" .. pinfo.dst_port
  while off < total do
    -- opening flag (a closing flag may be shared with the next frame's opening one)
    if tvb(off, 1):uint() ~= 0x7E then return texts end
    while off + 1 < total and tvb(off + 1, 1):uint() == 0x7E do off = off + 1 end
    if total - off < 3 then
      pinfo.desegment_offset = off
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      break
    end
    local len = tvb(off + 1, 2):uint() % 0x800
    if total - off < len + 2 then
      pinfo.desegment_offset = off
      pinfo.desegment_len = len + 2 - (total - off)
      break
    end
    index = index + 1
    texts[#texts + 1] = hdlc_frame(tvb(off, len + 2):tvb(), pinfo, tree, key, index)
    off = off + len + 2
    if off < total and tvb(off, 1):uint() ~= 0x7E then off = off - 1 end -- shared flag
  end
  return texts
end

-- entry points -------------------------------------------------------------------------------------------------

local function looks_hdlc(tvb)
  return tvb:len() >= 3 and tvb(0, 1):uint() == 0x7E and bit.band(tvb(1, 1):uint(), 0xF0) == 0xA0
end

local function looks_wrapper(tvb)
  return tvb:len() >= 8 and tvb(0, 2):uint() == 1 and tvb(6, 2):uint() <= 0xFFFF
end

function dlms.dissector(tvb, pinfo, tree)
  local texts
  local root = tree:add(dlms, tvb())
  if looks_hdlc(tvb) then
    root:set_text("DLMS/COSEM over HDLC")
    texts = hdlc(tvb, pinfo, root)
  else
    root:set_text("DLMS/COSEM over the wrapper")
    texts = wrapper(tvb, pinfo, root)
  end
  if #texts > 0 then
    pinfo.cols.protocol = "DLMS"
    pinfo.cols.info = table.concat(texts, "; ")
  end
  return tvb:len()
end

local function heuristic(tvb, pinfo, tree)
  -- HDLC: a flag and a frame format field; wrapper: version 1 and a known APDU tag after the header
  if not (looks_hdlc(tvb) or (looks_wrapper(tvb) and (tvb:len() == 8 or APDU[tvb(8, 1):uint()] ~= nil))) then
    return false
  end
  pinfo.conversation = dlms
  dlms.dissector(tvb, pinfo, tree)
  return true
end

DissectorTable.get("tcp.port"):add(pref_port, dlms)
DissectorTable.get("udp.port"):add(pref_port, dlms)
dlms:register_heuristic("tcp", heuristic)
dlms:register_heuristic("udp", heuristic)

function dlms.prefs_changed()
  if dlms.prefs.port ~= pref_port then
    DissectorTable.get("tcp.port"):remove(pref_port, dlms)
    DissectorTable.get("udp.port"):remove(pref_port, dlms)
    pref_port = dlms.prefs.port
    DissectorTable.get("tcp.port"):add(pref_port, dlms)
    DissectorTable.get("udp.port"):add(pref_port, dlms)
  end
end
