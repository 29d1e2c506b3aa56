//! Numeric functions: abs, ceil, floor, log, max, min, parseint, pow, signum.

use super::{
    arg_error, call_error, go_quote, ret_number, to_int, FuncContext, FuncResult, Function, Param,
    ParamType,
};
use tfrs_provider::{Number, Value};

const NUM: Param = Param::new("num", ParamType::Number);

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "abs",
        params: &[NUM],
        variadic: None,
        return_type: ret_number,
        imp: abs,
    },
    Function {
        name: "ceil",
        params: &[NUM],
        variadic: None,
        return_type: ret_number,
        imp: ceil,
    },
    Function {
        name: "floor",
        params: &[NUM],
        variadic: None,
        return_type: ret_number,
        imp: floor,
    },
    Function {
        name: "log",
        params: &[NUM, Param::new("base", ParamType::Number)],
        variadic: None,
        return_type: ret_number,
        imp: log,
    },
    Function {
        name: "max",
        params: &[],
        variadic: Some(Param::new("numbers", ParamType::Number)),
        return_type: ret_number,
        imp: max,
    },
    Function {
        name: "min",
        params: &[],
        variadic: Some(Param::new("numbers", ParamType::Number)),
        return_type: ret_number,
        imp: min,
    },
    Function {
        name: "parseint",
        params: &[
            Param::new("number", ParamType::Any),
            Param::new("base", ParamType::Number),
        ],
        variadic: None,
        return_type: ret_number,
        imp: parseint,
    },
    Function {
        name: "pow",
        params: &[NUM, Param::new("power", ParamType::Number)],
        variadic: None,
        return_type: ret_number,
        imp: pow,
    },
    Function {
        name: "signum",
        params: &[NUM],
        variadic: None,
        return_type: ret_number,
        imp: signum,
    },
];

fn num(v: &Value) -> &Number {
    v.as_number().expect("converted to number")
}

fn abs(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::Number(num(&args[0]).abs()))
}

fn ceil(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::Number(num(&args[0]).ceil()))
}

fn floor(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::Number(num(&args[0]).floor()))
}

/// A float64 result as cty's `NumberFloatVal` makes it; NaN panics there.
fn float_result(name: &str, f: f64) -> FuncResult {
    if f.is_nan() {
        return Err(call_error(
            name,
            "panic in function implementation: Float.SetFloat64(NaN)",
        ));
    }
    Ok(Value::Number(Number::from_f64(f)))
}

fn log(_: &FuncContext, args: &[Value]) -> FuncResult {
    let n = num(&args[0]).to_f64();
    let b = num(&args[1]).to_f64();
    float_result("log", n.ln() / b.ln())
}

fn pow(_: &FuncContext, args: &[Value]) -> FuncResult {
    let n = num(&args[0]).to_f64();
    let p = num(&args[1]).to_f64();
    float_result("pow", n.powf(p))
}

fn extreme(name: &str, args: &[Value], want: std::cmp::Ordering) -> FuncResult {
    if args.is_empty() {
        return Err(call_error(name, "must pass at least one number"));
    }
    let mut best = Number::infinity(want == std::cmp::Ordering::Greater);
    for a in args {
        let n = num(a);
        if n.cmp_num(&best) == want {
            best = n.clone();
        }
    }
    Ok(Value::Number(best))
}

fn max(_: &FuncContext, args: &[Value]) -> FuncResult {
    extreme("max", args, std::cmp::Ordering::Greater)
}

fn min(_: &FuncContext, args: &[Value]) -> FuncResult {
    extreme("min", args, std::cmp::Ordering::Less)
}

fn parseint(_: &FuncContext, args: &[Value]) -> FuncResult {
    let s = match &args[0] {
        Value::String(s) => s,
        other => {
            return Err(arg_error(
                0,
                "number",
                format!(
                    "first argument must be a string, not {}",
                    other.ty().friendly_name()
                ),
            ))
        }
    };
    let base = to_int(&args[1]).map_err(|m| arg_error(1, "base", m))?;
    if !(2..=62).contains(&base) {
        return Err(arg_error(
            1,
            "base",
            "base must be a whole number between 2 and 62 inclusive",
        ));
    }
    let fail = || {
        arg_error(
            0,
            "number",
            format!("cannot parse {} as a base {} integer", go_quote(s), base),
        )
    };
    // Go's big.Int.SetString with an explicit base.
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s.as_str()),
    };
    if digits.is_empty() {
        return Err(fail());
    }
    let b = Number::from_i64(base);
    let mut acc = Number::zero();
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as i64 - '0' as i64,
            'a'..='z' => c as i64 - 'a' as i64 + 10,
            'A'..='Z' if base <= 36 => c as i64 - 'A' as i64 + 10,
            'A'..='Z' => c as i64 - 'A' as i64 + 36,
            _ => return Err(fail()),
        };
        if d >= base {
            return Err(fail());
        }
        acc = acc
            .mul(&b)
            .and_then(|x| x.add(&Number::from_i64(d)))
            .expect("finite");
    }
    Ok(Value::Number(if neg { acc.neg() } else { acc }))
}

fn signum(_: &FuncContext, args: &[Value]) -> FuncResult {
    let n = to_int(&args[0]).map_err(|m| call_error("signum", m))?;
    Ok(Value::int(n.signum()))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::check;

    #[test]
    fn numeric_functions() {
        check(&[
            (r###"abs(-12.5)"###, r###"12.5"###),
            (r###"abs(0)"###, r###"0"###),
            (
                r###"abs("x")"###,
                r###"error: Invalid function argument: Invalid value for "num" parameter: a number is required."###,
            ),
            (
                r###"abs(null)"###,
                r###"error: Invalid function argument: Invalid value for "num" parameter: argument must not be null."###,
            ),
            (r###"ceil(1.2)"###, r###"2"###),
            (r###"ceil(-1.2)"###, r###"-1"###),
            (r###"ceil(5)"###, r###"5"###),
            (r###"floor(1.7)"###, r###"1"###),
            (r###"floor(-1.7)"###, r###"-2"###),
            (r###"floor(0.1)"###, r###"0"###),
            (r###"log(50, 10)"###, r###"1.6989700043360185"###),
            (r###"log(16, 2)"###, r###"4"###),
            (r###"log(1, 10)"###, r###"0"###),
            (r###"log(0, 10)"###, r###"-Inf"###),
            (r###"max(12, 54, 3)"###, r###"54"###),
            (r###"max([12, 54, 3]...)"###, r###"54"###),
            (r###"max(-1.5, -3)"###, r###"-1.5"###),
            (
                r###"max()"###,
                r###"error: Error in function call: Call to function "max" failed: must pass at least one number."###,
            ),
            (
                r###"max(1,"a")"###,
                r###"error: Invalid function argument: Invalid value for "numbers" parameter: a number is required."###,
            ),
            (r###"min(12, 54, 3)"###, r###"3"###),
            (r###"min("3", 1.5)"###, r###"1.5"###),
            (
                r###"min()"###,
                r###"error: Error in function call: Call to function "min" failed: must pass at least one number."###,
            ),
            (r###"parseint("100", 10)"###, r###"100"###),
            (r###"parseint("FF", 16)"###, r###"255"###),
            (r###"parseint("-10", 16)"###, r###"-16"###),
            (r###"parseint("1011111011101111", 2)"###, r###"48879"###),
            (r###"parseint("aA", 62)"###, r###"656"###),
            (
                r###"parseint("12", 2)"###,
                r###"error: Invalid function argument: Invalid value for "number" parameter: cannot parse "12" as a base 2 integer."###,
            ),
            (
                r###"parseint("", 10)"###,
                r###"error: Invalid function argument: Invalid value for "number" parameter: cannot parse "" as a base 10 integer."###,
            ),
            (r###"parseint("zz", 36)"###, r###"1295"###),
            (r###"parseint("ZZ", 36)"###, r###"1295"###),
            (
                r###"parseint("1", 2.5)"###,
                r###"error: Invalid function argument: Invalid value for "base" parameter: value must be a whole number, between -9223372036854775808 and 9223372036854775807."###,
            ),
            (
                r###"parseint(1, 2)"###,
                r###"error: Invalid function argument: Invalid value for "number" parameter: first argument must be a string, not number."###,
            ),
            (
                r###"parseint("1", 63)"###,
                r###"error: Invalid function argument: Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive."###,
            ),
            (
                r###"parseint("ÿ", 10)"###,
                r###"error: Invalid function argument: Invalid value for "number" parameter: cannot parse "ÿ" as a base 10 integer."###,
            ),
            (
                r###"parseint("123456789012345678901234567890", 10)"###,
                r###"123456789012345678901234567890"###,
            ),
            (r###"pow(3, 2)"###, r###"9"###),
            (r###"pow(4, 0)"###, r###"1"###),
            (
                r###"pow(2, 100)"###,
                r###"1267650600228229400000000000000"###,
            ),
            (r###"pow(2, 0.5)"###, r###"1.4142135623730951"###),
            (r###"pow(2, -1)"###, r###"0.5"###),
            (r###"pow(0, -1)"###, r###"+Inf"###),
            (r###"signum(-13)"###, r###"-1"###),
            (r###"signum(0)"###, r###"0"###),
            (r###"signum(344)"###, r###"1"###),
            (
                r###"signum(-3.5)"###,
                r###"error: Error in function call: Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."###,
            ),
            (
                r###"ceil(1e40)"###,
                r###"10000000000000000000000000000000000000000"###,
            ),
            (r###"floor(-0.5)"###, r###"-1"###),
            (r###"abs(-1e-5)"###, r###"0.00001"###),
            (
                r###"max(1e30, 2)"###,
                r###"1000000000000000000000000000000"###,
            ),
            (r###"log(10, 3)"###, r###"2.095903274289385"###),
            // CASES:numeric
        ]);
    }
}
