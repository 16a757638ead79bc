/**
 * Correlation rules from the examples of the Sigma correlation rules specification (v2.0.2) and
 * of SigmaHQ's metric-type test rules, written out as YAML for the tests. SigmaHQ ships no
 * correlation rules, so these are the closest thing to real artifacts.
 */

/** event_count: 100 or more failed logins to one host within an hour. */
export const MANY_FAILED_LOGINS = `
title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules:
        - 5638f7c0-ac70-491d-8465-2a65075e0d86
    group-by:
        - ComputerName
    timespan: 1h
    condition:
        gte: 100
`;

/** value_count: failed logons for 100 or more user accounts per source and destination a day. */
export const FAILED_LOGIN_MANY_USERS = `
title: Failed login
id: 0e95725d-7320-415d-80f7-004da920fc12
correlation:
    type: value_count
    rules:
        - 5638f7c0-ac70-491d-8465-2a65075e0d86
    group-by:
        - ComputerName
        - WorkstationName
    timespan: 1d
    condition:
        field: User
        gte: 100
`;

/** temporal: three reconnaissance commands in any order within 5 minutes, same host and user. */
export const RECON_COMMANDS = `
title: Reconnaissance commands
correlation:
    type: temporal
    rules:
        - recon_cmd_a
        - recon_cmd_b
        - recon_cmd_c
    group-by:
        - ComputerName
        - User
    timespan: 5m
`;

/** temporal with aliases: an internal error and a connection between the same two addresses. */
export const INTERNAL_ERROR_AND_CONNECTION = `
title: Internal error followed by a network connection between the same hosts
correlation:
    type: temporal
    rules:
        - internal_error
        - new_network_connection
    group-by:
        - internal_ip
        - remote_ip
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_network_connection: source.ip
        remote_ip:
            internal_error: source.ip
            new_network_connection: destination.ip
`;

/** The specification's complete example: chained correlations over two Sigma rules. */
export const FAILED_LOGINS_THEN_SUCCESS = `
title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
description: Detects multiple failed logins by a single user followed by a successful login of that user
references:
    - https://reference.com
author: Florian Roth (Nextron Systems)
date: 2023-06-16
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
falsepositives:
    - Unlikely
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
description: Detects multiple failed logins within a certain amount of time
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
description: Detects a successful login
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
`;

/** value_sum: more than 1,000,000 bytes sent by one source and user within an hour. */
export const EXFILTRATION_BYTES = `
title: Possible exfiltration
correlation:
    type: value_sum
    rules:
        - website_access
    group-by:
        - SourceIP
        - User
    timespan: 1h
    condition:
        field: bytes_sent
        gt: 1000000
`;

/** value_avg: SigmaHQ's test rule, average outbound bytes above 500 over a day. */
export const AVERAGE_BYTES_OUT = `
title: Suspicious average network traffic
correlation:
    type: value_avg
    rules:
        - rule_a_id
    group-by:
        - SourceIP
        - User
    timespan: 24h
    condition:
        field: BytesOut
        gt: 500
`;

/** value_percentile with the percentile named, as pySigma and its backends read it. */
export const LATENCY_P95 = `
title: High 95th percentile latency
correlation:
    type: value_percentile
    rules:
        - network_traffic
    group-by:
        - SourceIP
    timespan: 15m
    condition:
        field: Latency
        percentile: 95
        gte: 500
`;

/** value_percentile as in SigmaHQ's test rule: no percentile named. */
export const RARE_PROCESS_NO_PERCENTILE = `
title: A computer spawned a process name seen in less than 1% of all processes
correlation:
    type: value_percentile
    rules:
        - process_creation
    group-by:
        - ComputerName
    timespan: 24h
    condition:
        field: image
        lte: 1
`;
