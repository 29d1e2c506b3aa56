//! IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets.

use super::{
    arg_error, call_error, ret_string, to_int, FuncContext, FuncResult, Function, Param, ParamType,
};
use tfrs_provider::{Number, Type, Value};

const PREFIX: Param = Param::new("prefix", ParamType::String);

fn ret_list_string(_: &[Value]) -> Type {
    Type::list(Type::String)
}

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "cidrhost",
        params: &[PREFIX, Param::new("hostnum", ParamType::Number)],
        variadic: None,
        return_type: ret_string,
        imp: cidrhost,
    },
    Function {
        name: "cidrnetmask",
        params: &[PREFIX],
        variadic: None,
        return_type: ret_string,
        imp: cidrnetmask,
    },
    Function {
        name: "cidrsubnet",
        params: &[
            PREFIX,
            Param::new("newbits", ParamType::Number),
            Param::new("netnum", ParamType::Number),
        ],
        variadic: None,
        return_type: ret_string,
        imp: cidrsubnet,
    },
    Function {
        name: "cidrsubnets",
        params: &[PREFIX],
        variadic: Some(Param::new("newbits", ParamType::Number)),
        return_type: ret_list_string,
        imp: cidrsubnets,
    },
];

/// An IP network: address (masked), address bits (32 or 128), prefix length.
#[derive(Clone, Copy, Debug)]
struct Net {
    ip: u128,
    bits: u32,
    prefix: u32,
}

fn mask(prefix: u32, bits: u32) -> u128 {
    let all = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    if prefix == 0 {
        0
    } else if prefix >= bits {
        all
    } else {
        all & !(all >> prefix)
    }
}

fn all_ones(bits: u32) -> u128 {
    mask(bits, bits)
}

/// IPv4 as Go 1.16's `net` parsed it (leading zeros allowed, decimal).
fn parse_v4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        out = (out << 8) | n;
    }
    Some(out)
}

fn parse_cidr(s: &str) -> Result<Net, String> {
    let bad = || format!("invalid CIDR address: {s}");
    let (addr, len) = s.split_once('/').ok_or_else(bad)?;
    let (ip, bits) = if let Some(v4) = parse_v4(addr) {
        (v4 as u128, 32)
    } else {
        let v6: std::net::Ipv6Addr = addr.parse().map_err(|_| bad())?;
        (u128::from(v6), 128)
    };
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let prefix: u32 = len.parse().map_err(|_| bad())?;
    if prefix > bits {
        return Err(bad());
    }
    Ok(Net {
        ip: ip & mask(prefix, bits),
        bits,
        prefix,
    })
}

fn ip_string(ip: u128, bits: u32) -> String {
    if bits == 32 {
        return std::net::Ipv4Addr::from(ip as u32).to_string();
    }
    if ip >> 32 == 0xffff {
        return std::net::Ipv4Addr::from(ip as u32).to_string();
    }
    std::net::Ipv6Addr::from(ip).to_string()
}

fn net_string(n: &Net) -> String {
    format!("{}/{}", ip_string(n.ip, n.bits), n.prefix)
}

/// A whole number argument as an i128 (Go's `*big.Int` via gocty).
fn big_int(v: &Value) -> Result<i128, String> {
    let n: &Number = v.as_number().expect("number");
    if !n.is_integer() {
        return Err("value must be a whole number".into());
    }
    let text = n.trunc_bigint().map(|b| b.to_string()).unwrap_or_default();
    text.parse::<i128>().map_err(|_| text)
}

fn cidr_parse_err(name: &str, e: String) -> super::FuncError {
    call_error(name, format!("invalid CIDR expression: {e}"))
}

fn cidrhost(_: &FuncContext, args: &[Value]) -> FuncResult {
    let prefix = args[0].as_str().unwrap_or("");
    let num = big_int(&args[1]).map_err(|e| call_error("cidrhost", e))?;
    let net = parse_cidr(prefix).map_err(|e| cidr_parse_err("cidrhost", e))?;
    let host_len = net.bits - net.prefix;
    let max: i128 = if host_len >= 127 {
        i128::MAX
    } else {
        (1i128 << host_len) - 1
    };
    let (mut num, num_u) = (num, num);
    let num_u = if num_u < 0 {
        let u = -num_u - 1;
        num = max - u;
        u
    } else {
        (num_u as u128 & u64::MAX as u128) as i128
    };
    if num_u > max {
        return Err(call_error(
            "cidrhost",
            format!(
                "prefix of {} does not accommodate a host numbered {}",
                net.prefix, num
            ),
        ));
    }
    let ip = (net.ip | (num as u128)) & all_ones(net.bits);
    Ok(Value::String(ip_string(ip, net.bits)))
}

fn cidrnetmask(_: &FuncContext, args: &[Value]) -> FuncResult {
    let prefix = args[0].as_str().unwrap_or("");
    let net = parse_cidr(prefix).map_err(|e| cidr_parse_err("cidrnetmask", e))?;
    if net.bits != 32 {
        return Err(call_error(
            "cidrnetmask",
            format!("IPv6 addresses cannot have a netmask: {prefix}"),
        ));
    }
    Ok(Value::String(ip_string(mask(net.prefix, 32), 32)))
}

fn cidrsubnet(_: &FuncContext, args: &[Value]) -> FuncResult {
    let prefix = args[0].as_str().unwrap_or("");
    let newbits = to_int(&args[1]).map_err(|m| call_error("cidrsubnet", m))?;
    let num = big_int(&args[2]).map_err(|e| call_error("cidrsubnet", e))?;
    let net = parse_cidr(prefix).map_err(|e| cidr_parse_err("cidrsubnet", e))?;
    let new_len = net.prefix as i64 + newbits;
    if new_len > net.bits as i64 {
        return Err(call_error(
            "cidrsubnet",
            format!(
                "insufficient address space to extend prefix of {} by {}",
                net.prefix, newbits
            ),
        ));
    }
    let new_len = new_len.max(0) as u32;
    let max_net: u64 = if newbits >= 64 {
        u64::MAX
    } else if newbits < 0 {
        0
    } else {
        (1u64 << newbits) - 1
    };
    let num_u = (num.unsigned_abs() & u64::MAX as u128) as u64;
    if num_u > max_net {
        return Err(call_error(
            "cidrsubnet",
            format!(
                "prefix extension of {} does not accommodate a subnet numbered {}",
                newbits, num
            ),
        ));
    }
    let shift = net.bits - new_len;
    let ins = if shift >= 128 {
        0
    } else {
        (num as u128) << shift
    };
    let ip = (net.ip | ins) & all_ones(net.bits);
    Ok(Value::String(net_string(&Net {
        ip,
        bits: net.bits,
        prefix: new_len,
    })))
}

fn cidrsubnets(_: &FuncContext, args: &[Value]) -> FuncResult {
    let prefix = args[0].as_str().unwrap_or("");
    let net = parse_cidr(prefix)
        .map_err(|e| arg_error(0, "prefix", format!("invalid CIDR expression: {e}")))?;
    let lens = &args[1..];
    if lens.is_empty() {
        return Ok(Value::List(Type::String, vec![]));
    }
    let first = to_int(&lens[0]).map_err(|m| arg_error(1, "newbits", m))?;
    let first_len = (net.prefix as i64 + first).clamp(0, net.bits as i64) as u32;
    let bits = net.bits;
    let wrap = all_ones(bits);
    // cidr.PreviousSubnet
    let m = mask(first_len, bits);
    let mut current = Net {
        ip: (net.ip.wrapping_sub(1) & wrap) & m,
        bits,
        prefix: first_len,
    };
    let mut out = Vec::with_capacity(lens.len());
    for (i, l) in lens.iter().enumerate() {
        let length = to_int(l).map_err(|m| arg_error(i + 1, "newbits", m))?;
        if length < 1 {
            return Err(arg_error(
                i + 1,
                "newbits",
                "must extend prefix by at least one bit",
            ));
        }
        if length > 32 {
            return Err(arg_error(
                i + 1,
                "newbits",
                "may not extend prefix by more than 32 bits",
            ));
        }
        let length = length + net.prefix as i64;
        if length > bits as i64 {
            let proto = if bits == 32 { "IPv4" } else { "IPv6" };
            return Err(arg_error(
                i + 1,
                "newbits",
                format!(
                    "would extend prefix to {length} bits, which is too long for an {proto} address"
                ),
            ));
        }
        let length = length as u32;
        // cidr.NextSubnet
        let current_last = current.ip | (!mask(current.prefix, bits) & wrap);
        let lm = mask(length, bits);
        let sub = current_last & lm;
        let last = sub | (!lm & wrap);
        let last = last.wrapping_add(1) & wrap;
        let next = Net {
            ip: last & lm,
            bits,
            prefix: length,
        };
        let rollover = last == 0;
        if rollover || (next.ip & mask(net.prefix, bits)) != net.ip {
            return Err(arg_error(
                i + 1,
                "newbits",
                format!(
                    "not enough remaining address space for a subnet with a prefix of {} bits after {}",
                    length,
                    net_string(&current)
                ),
            ));
        }
        current = next;
        out.push(Value::String(net_string(&current)));
    }
    Ok(Value::List(Type::String, out))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::check;

    #[test]
    fn ipnet_functions() {
        check(&[
            (r###"cidrhost("10.0.0.0/8", 2)"###, r###""10.0.0.2""###),
            (
                r###"cidrhost("10.12.112.0/20", 16)"###,
                r###""10.12.112.16""###,
            ),
            (
                r###"cidrhost("10.12.112.0/20", 268)"###,
                r###""10.12.113.12""###,
            ),
            (
                r###"cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)"###,
                r###""fd00:fd12:3456:7890::22""###,
            ),
            (
                r###"cidrhost("10.0.0.0/30", 5)"###,
                r###"error: Error in function call: Call to function "cidrhost" failed: prefix of 30 does not accommodate a host numbered 5."###,
            ),
            (r###"cidrhost("10.0.0.0/30", -1)"###, r###""10.0.0.3""###),
            (
                r###"cidrhost("10.0.0.0/30", -5)"###,
                r###"error: Error in function call: Call to function "cidrhost" failed: prefix of 30 does not accommodate a host numbered -1."###,
            ),
            (
                r###"cidrhost("x", 1)"###,
                r###"error: Error in function call: Call to function "cidrhost" failed: invalid CIDR expression: invalid CIDR address: x."###,
            ),
            (r###"cidrhost("fd00::/64", 5)"###, r###""fd00::5""###),
            (r###"cidrhost("010.0.0.0/8", 1)"###, r###""10.0.0.1""###),
            (
                r###"cidrhost("10.0.0.0/33", 1)"###,
                r###"error: Error in function call: Call to function "cidrhost" failed: invalid CIDR expression: invalid CIDR address: 10.0.0.0/33."###,
            ),
            (
                r###"cidrhost("10.0.0.0/8", 1.5)"###,
                r###"error: Error in function call: Call to function "cidrhost" failed: value must be a whole number."###,
            ),
            (r###"cidrhost("1.2.3.4/8", 0)"###, r###""1.0.0.0""###),
            (
                r###"cidrhost("10.0.0.0/8", 99999999999999999999)"###,
                r###"error: Error in function call: Call to function "cidrhost" failed: prefix of 8 does not accommodate a host numbered 99999999999999999999."###,
            ),
            (
                r###"cidrnetmask("172.16.0.0/12")"###,
                r###""255.240.0.0""###,
            ),
            (
                r###"cidrnetmask("10.0.0.0/32")"###,
                r###""255.255.255.255""###,
            ),
            (r###"cidrnetmask("0.0.0.0/0")"###, r###""0.0.0.0""###),
            (
                r###"cidrnetmask("fe80::/64")"###,
                r###"error: Error in function call: Call to function "cidrnetmask" failed: IPv6 addresses cannot have a netmask: fe80::/64."###,
            ),
            (
                r###"cidrnetmask("1.2.3.4/33")"###,
                r###"error: Error in function call: Call to function "cidrnetmask" failed: invalid CIDR expression: invalid CIDR address: 1.2.3.4/33."###,
            ),
            (
                r###"cidrsubnet("172.16.0.0/12", 4, 2)"###,
                r###""172.18.0.0/16""###,
            ),
            (
                r###"cidrsubnet("10.1.2.0/24", 4, 15)"###,
                r###""10.1.2.240/28""###,
            ),
            (
                r###"cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)"###,
                r###""fd00:fd12:3456:7800:a200::/72""###,
            ),
            (
                r###"cidrsubnet("10.0.0.0/8", 30, 1)"###,
                r###"error: Error in function call: Call to function "cidrsubnet" failed: insufficient address space to extend prefix of 8 by 30."###,
            ),
            (
                r###"cidrsubnet("10.0.0.0/8", 8, 256)"###,
                r###"error: Error in function call: Call to function "cidrsubnet" failed: prefix extension of 8 does not accommodate a subnet numbered 256."###,
            ),
            (
                r###"cidrsubnet("10.0.0.0/8", 1.5, 0)"###,
                r###"error: Error in function call: Call to function "cidrsubnet" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."###,
            ),
            (
                r###"cidrsubnet("10.0.0.0/8", 0, 0)"###,
                r###""10.0.0.0/8""###,
            ),
            (
                r###"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"###,
                r###"tolist([
  "10.1.0.0/20",
  "10.1.16.0/20",
  "10.1.32.0/24",
  "10.1.48.0/20",
])"###,
            ),
            (
                r###"cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)"###,
                r###"tolist([
  "fd00:fd12:3456:7800::/72",
  "fd00:fd12:3456:7800:100::/72",
  "fd00:fd12:3456:7800:200::/72",
  "fd00:fd12:3456:7800:300::/88",
])"###,
            ),
            (r###"cidrsubnets("10.1.0.0/16")"###, r###"tolist([])"###),
            (
                r###"cidrsubnets("10.1.0.0/16", 17)"###,
                r###"error: Invalid function argument: Invalid value for "newbits" parameter: would extend prefix to 33 bits, which is too long for an IPv4 address."###,
            ),
            (
                r###"cidrsubnets("10.0.0.0/30", 1, 1, 1)"###,
                r###"error: Invalid function argument: Invalid value for "newbits" parameter: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31."###,
            ),
            (
                r###"cidrsubnets("10.0.0.0/8", 0)"###,
                r###"error: Invalid function argument: Invalid value for "newbits" parameter: must extend prefix by at least one bit."###,
            ),
            (
                r###"cidrsubnets("fd00::/56", 33)"###,
                r###"error: Invalid function argument: Invalid value for "newbits" parameter: may not extend prefix by more than 32 bits."###,
            ),
            (
                r###"cidrsubnets("x", 1)"###,
                r###"error: Invalid function argument: Invalid value for "prefix" parameter: invalid CIDR expression: invalid CIDR address: x."###,
            ),
            (
                r###"cidrsubnets("10.0.0.0/8", 8, 4)"###,
                r###"tolist([
  "10.0.0.0/16",
  "10.16.0.0/12",
])"###,
            ),
            // CASES:ipnet
        ]);
    }
}
