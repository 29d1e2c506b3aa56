//! DEFLATE (RFC 1951) as Go's `compress/flate` writes it at the lazy-match
//! levels 4 to 9; `archive/zip` uses level 5. The archive provider's
//! checksums (`output_base64sha256`, which Lambda code hashes are compared
//! with) are of the bytes Go writes, so this follows Go's compressor step
//! for step: the same hash chains and match search, the same block
//! boundaries, the same choice between stored, fixed and dynamic blocks,
//! the same Huffman code construction, and the empty final stored block
//! Go's `Close` adds. (Go's compress/flate is BSD-licensed, Copyright 2009
//! The Go Authors; this is a translation of its algorithm.)

const WINDOW_SIZE: usize = 1 << 15;
const WINDOW_MASK: usize = WINDOW_SIZE - 1;
const BASE_MATCH_LENGTH: usize = 3;
const MIN_MATCH_LENGTH: usize = 4;
const MAX_MATCH_LENGTH: usize = 258;
const BASE_MATCH_OFFSET: usize = 1;
const MAX_FLATE_BLOCK_TOKENS: usize = 1 << 14;
const MAX_STORE_BLOCK_SIZE: usize = 65535;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MASK: u32 = (1 << HASH_BITS) - 1;
const MAX_HASH_OFFSET: i64 = 1 << 24;
const HASH_MUL: u32 = 0x1e35_a7bd;

const MAX_NUM_LIT: usize = 286;
const OFFSET_CODE_COUNT: usize = 30;
const END_BLOCK_MARKER: u32 = 256;
const LENGTH_CODES_START: usize = 257;
const CODEGEN_CODE_COUNT: usize = 19;
const BAD_CODE: u8 = 255;

const LENGTH_SHIFT: u32 = 22;
const OFFSET_MASK: u32 = (1 << LENGTH_SHIFT) - 1;
const MATCH_TYPE: u32 = 1 << 30;

/// Level parameters: a match this long is good enough to search less,
/// lazy matching stops at `lazy`, a match of `nice` ends the search, and
/// at most `chain` candidates are tried.
#[derive(Clone, Copy)]
struct Level {
    good: usize,
    lazy: usize,
    nice: usize,
    chain: usize,
}

fn level(n: u8) -> Level {
    let (good, lazy, nice, chain) = match n {
        4 => (4, 4, 16, 16),
        6 => (8, 16, 128, 128),
        7 => (8, 32, 128, 256),
        8 => (32, 128, 258, 1024),
        9 => (32, 258, 258, 4096),
        _ => (8, 16, 32, 32),
    };
    Level {
        good,
        lazy,
        nice,
        chain,
    }
}

const LENGTH_EXTRA_BITS: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const LENGTH_BASE: [u32; 29] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128,
    160, 192, 224, 255,
];
const OFFSET_EXTRA_BITS: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
const OFFSET_BASE: [u32; 30] = [
    0x000000, 0x000001, 0x000002, 0x000003, 0x000004, 0x000006, 0x000008, 0x00000c, 0x000010,
    0x000018, 0x000020, 0x000030, 0x000040, 0x000060, 0x000080, 0x0000c0, 0x000100, 0x000180,
    0x000200, 0x000300, 0x000400, 0x000600, 0x000800, 0x000c00, 0x001000, 0x001800, 0x002000,
    0x003000, 0x004000, 0x006000,
];
const CODEGEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// The length code (0-28) of a match length minus 3.
fn length_code(xlength: u32) -> u32 {
    let l = xlength + BASE_MATCH_LENGTH as u32;
    match LENGTH_BASE.iter().rposition(|&b| b + 3 <= l) {
        // Length 258 has its own code (28), not code 27 with extra bits.
        Some(_) if l == 258 => 28,
        Some(i) => i as u32,
        None => 0,
    }
}

/// The offset code (0-29) of a match offset minus 1.
fn offset_code(xoffset: u32) -> u32 {
    OFFSET_BASE.iter().rposition(|&b| b <= xoffset).unwrap_or(0) as u32
}

fn literal_token(b: u8) -> u32 {
    u32::from(b)
}

fn match_token(xlength: usize, xoffset: usize) -> u32 {
    MATCH_TYPE + ((xlength as u32) << LENGTH_SHIFT) + xoffset as u32
}

fn hash4(b: &[u8]) -> u32 {
    let v = u32::from(b[3]) | u32::from(b[2]) << 8 | u32::from(b[1]) << 16 | u32::from(b[0]) << 24;
    v.wrapping_mul(HASH_MUL) >> (32 - HASH_BITS)
}

fn reverse_bits(number: u16, bit_length: u16) -> u16 {
    (number << (16 - bit_length)).reverse_bits()
}

#[derive(Clone, Copy, Default)]
struct HCode {
    code: u16,
    len: u16,
}

#[derive(Clone, Copy)]
struct LiteralNode {
    literal: u16,
    freq: i32,
}

#[derive(Clone, Copy, Default)]
struct LevelInfo {
    last_freq: i32,
    next_char_freq: i32,
    next_pair_freq: i32,
    needed: i32,
}

/// Huffman codes for an alphabet, built as Go's `huffmanEncoder` builds
/// them (length-limited by its package-merge variant, codes assigned in
/// literal order within each length).
struct Encoder {
    codes: Vec<HCode>,
}

impl Encoder {
    fn new(size: usize) -> Encoder {
        Encoder {
            codes: vec![HCode::default(); size],
        }
    }

    fn fixed_literal() -> Encoder {
        let mut e = Encoder::new(MAX_NUM_LIT);
        for ch in 0..MAX_NUM_LIT as u16 {
            let (bits, size) = match ch {
                0..=143 => (ch + 48, 8),
                144..=255 => (ch + 400 - 144, 9),
                256..=279 => (ch - 256, 7),
                _ => (ch + 192 - 280, 8),
            };
            e.codes[usize::from(ch)] = HCode {
                code: reverse_bits(bits, size),
                len: size,
            };
        }
        e
    }

    fn fixed_offset() -> Encoder {
        let mut e = Encoder::new(OFFSET_CODE_COUNT);
        for ch in 0..OFFSET_CODE_COUNT as u16 {
            e.codes[usize::from(ch)] = HCode {
                code: reverse_bits(ch, 5),
                len: 5,
            };
        }
        e
    }

    fn bit_length(&self, freq: &[i32]) -> i64 {
        freq.iter()
            .zip(&self.codes)
            .filter(|(f, _)| **f != 0)
            .map(|(f, c)| i64::from(*f) * i64::from(c.len))
            .sum()
    }

    /// How many literals get each code length (index = length).
    fn bit_counts(list: &mut Vec<LiteralNode>, max_bits: i32) -> Vec<i32> {
        let n = list.len() as i32;
        list.push(LiteralNode {
            literal: u16::MAX,
            freq: i32::MAX,
        });
        let max_bits = max_bits.min(n - 1) as usize;
        let mut levels = [LevelInfo::default(); 17];
        let mut leaf_counts = [[0i32; 17]; 17];
        for lv in 1..=max_bits {
            levels[lv] = LevelInfo {
                last_freq: list[1].freq,
                next_char_freq: list[2].freq,
                next_pair_freq: list[0].freq.saturating_add(list[1].freq),
                needed: 0,
            };
            leaf_counts[lv][lv] = 2;
            if lv == 1 {
                levels[lv].next_pair_freq = i32::MAX;
            }
        }
        levels[max_bits].needed = 2 * n - 4;
        let mut lv = max_bits;
        loop {
            if levels[lv].next_pair_freq == i32::MAX && levels[lv].next_char_freq == i32::MAX {
                levels[lv].needed = 0;
                levels[lv + 1].next_pair_freq = i32::MAX;
                lv += 1;
                continue;
            }
            let prev_freq = levels[lv].last_freq;
            if levels[lv].next_char_freq < levels[lv].next_pair_freq {
                let next = leaf_counts[lv][lv] + 1;
                levels[lv].last_freq = levels[lv].next_char_freq;
                leaf_counts[lv][lv] = next;
                levels[lv].next_char_freq = list[next as usize].freq;
            } else {
                levels[lv].last_freq = levels[lv].next_pair_freq;
                let (lower, upper) = leaf_counts.split_at_mut(lv);
                upper[0][..lv].copy_from_slice(&lower[lv - 1][..lv]);
                levels[lv - 1].needed = 2;
            }
            levels[lv].needed -= 1;
            if levels[lv].needed == 0 {
                if lv == max_bits {
                    break;
                }
                levels[lv + 1].next_pair_freq = prev_freq.saturating_add(levels[lv].last_freq);
                lv += 1;
            } else {
                while lv > 1 && levels[lv - 1].needed > 0 {
                    lv -= 1;
                }
            }
        }
        list.pop();
        let mut bit_count = vec![0i32; max_bits + 1];
        let counts = &leaf_counts[max_bits];
        for (bits, lv) in (1..=max_bits).rev().enumerate() {
            bit_count[bits + 1] = counts[lv] - counts[lv - 1];
        }
        bit_count
    }

    fn generate(&mut self, freq: &[i32], max_bits: i32) {
        let mut list = Vec::with_capacity(freq.len() + 1);
        for (i, &f) in freq.iter().enumerate() {
            if f != 0 {
                list.push(LiteralNode {
                    literal: i as u16,
                    freq: f,
                });
            } else {
                self.codes[i].len = 0;
            }
        }
        if list.len() <= 2 {
            for (i, node) in list.iter().enumerate() {
                self.codes[usize::from(node.literal)] = HCode {
                    code: i as u16,
                    len: 1,
                };
            }
            return;
        }
        list.sort_by_key(|node| (node.freq, node.literal));
        let bit_count = Encoder::bit_counts(&mut list, max_bits);
        let mut code: u16 = 0;
        let mut rest = list.as_mut_slice();
        for (n, &bits) in bit_count.iter().enumerate() {
            code = code.wrapping_shl(1);
            if n == 0 || bits == 0 {
                continue;
            }
            let split = rest.len().saturating_sub(bits as usize);
            let (head, chunk) = rest.split_at_mut(split);
            chunk.sort_by_key(|node| node.literal);
            for node in chunk.iter() {
                self.codes[usize::from(node.literal)] = HCode {
                    code: reverse_bits(code, n as u16),
                    len: n as u16,
                };
                code = code.wrapping_add(1);
            }
            rest = head;
        }
    }
}

/// Go's `huffmanBitWriter`, writing into a byte vector.
struct BitWriter {
    out: Vec<u8>,
    bits: u64,
    nbits: u32,
    literal_freq: Vec<i32>,
    offset_freq: Vec<i32>,
    codegen: Vec<u8>,
    codegen_freq: [i32; CODEGEN_CODE_COUNT],
    literal_encoding: Encoder,
    offset_encoding: Encoder,
    codegen_encoding: Encoder,
    fixed_literal: Encoder,
    fixed_offset: Encoder,
}

impl BitWriter {
    fn new() -> BitWriter {
        BitWriter {
            out: Vec::new(),
            bits: 0,
            nbits: 0,
            literal_freq: vec![0; MAX_NUM_LIT],
            offset_freq: vec![0; OFFSET_CODE_COUNT],
            codegen: vec![0; MAX_NUM_LIT + OFFSET_CODE_COUNT + 1],
            codegen_freq: [0; CODEGEN_CODE_COUNT],
            literal_encoding: Encoder::new(MAX_NUM_LIT),
            offset_encoding: Encoder::new(OFFSET_CODE_COUNT),
            codegen_encoding: Encoder::new(CODEGEN_CODE_COUNT),
            fixed_literal: Encoder::fixed_literal(),
            fixed_offset: Encoder::fixed_offset(),
        }
    }

    fn write_bits(&mut self, b: u32, nb: u32) {
        self.bits |= u64::from(b) << self.nbits;
        self.nbits += nb;
        while self.nbits >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.nbits -= 8;
        }
    }

    fn write_code(&mut self, c: HCode) {
        self.write_bits(u32::from(c.code), u32::from(c.len));
    }

    /// Pads to a byte boundary.
    fn flush(&mut self) {
        if self.nbits > 0 {
            self.out.push(self.bits as u8);
        }
        self.bits = 0;
        self.nbits = 0;
    }

    fn write_stored_header(&mut self, length: usize, eof: bool) {
        self.write_bits(u32::from(eof), 3);
        self.flush();
        self.write_bits(length as u32 & 0xffff, 16);
        self.write_bits(!(length as u16) as u32, 16);
    }

    fn index_tokens(&mut self, tokens: &[u32]) -> (usize, usize) {
        self.literal_freq.iter_mut().for_each(|f| *f = 0);
        self.offset_freq.iter_mut().for_each(|f| *f = 0);
        for &t in tokens {
            if t < MATCH_TYPE {
                self.literal_freq[t as usize] += 1;
                continue;
            }
            let length = (t - MATCH_TYPE) >> LENGTH_SHIFT;
            let offset = t & OFFSET_MASK;
            self.literal_freq[LENGTH_CODES_START + length_code(length) as usize] += 1;
            self.offset_freq[offset_code(offset) as usize] += 1;
        }
        let mut num_literals = self.literal_freq.len();
        while num_literals > 0 && self.literal_freq[num_literals - 1] == 0 {
            num_literals -= 1;
        }
        let mut num_offsets = self.offset_freq.len();
        while num_offsets > 0 && self.offset_freq[num_offsets - 1] == 0 {
            num_offsets -= 1;
        }
        if num_offsets == 0 {
            self.offset_freq[0] = 1;
            num_offsets = 1;
        }
        self.literal_encoding.generate(&self.literal_freq, 15);
        self.offset_encoding.generate(&self.offset_freq, 15);
        (num_literals, num_offsets)
    }

    /// The run-length encoded code lengths of a dynamic block header, and
    /// their frequencies.
    fn generate_codegen(&mut self, num_literals: usize, num_offsets: usize) {
        self.codegen_freq = [0; CODEGEN_CODE_COUNT];
        let codegen = &mut self.codegen;
        for (slot, code) in codegen
            .iter_mut()
            .zip(&self.literal_encoding.codes[..num_literals])
        {
            *slot = code.len as u8;
        }
        for (slot, code) in codegen[num_literals..]
            .iter_mut()
            .zip(&self.offset_encoding.codes[..num_offsets])
        {
            *slot = code.len as u8;
        }
        codegen[num_literals + num_offsets] = BAD_CODE;
        let mut size = codegen[0];
        let mut count: i32 = 1;
        let mut out = 0;
        let mut input = 1;
        while size != BAD_CODE {
            let next = codegen[input];
            input += 1;
            if next == size {
                count += 1;
                continue;
            }
            if size != 0 {
                codegen[out] = size;
                out += 1;
                self.codegen_freq[usize::from(size)] += 1;
                count -= 1;
                while count >= 3 {
                    let n = count.min(6);
                    codegen[out] = 16;
                    codegen[out + 1] = (n - 3) as u8;
                    out += 2;
                    self.codegen_freq[16] += 1;
                    count -= n;
                }
            } else {
                while count >= 11 {
                    let n = count.min(138);
                    codegen[out] = 18;
                    codegen[out + 1] = (n - 11) as u8;
                    out += 2;
                    self.codegen_freq[18] += 1;
                    count -= n;
                }
                if count >= 3 {
                    codegen[out] = 17;
                    codegen[out + 1] = (count - 3) as u8;
                    out += 2;
                    self.codegen_freq[17] += 1;
                    count = 0;
                }
            }
            count -= 1;
            while count >= 0 {
                codegen[out] = size;
                out += 1;
                self.codegen_freq[usize::from(size)] += 1;
                count -= 1;
            }
            size = next;
            count = 1;
        }
        codegen[out] = BAD_CODE;
    }

    fn dynamic_size(&self, extra_bits: i64) -> (i64, usize) {
        let mut num_codegens = CODEGEN_CODE_COUNT;
        while num_codegens > 4 && self.codegen_freq[CODEGEN_ORDER[num_codegens - 1]] == 0 {
            num_codegens -= 1;
        }
        let f = |i: usize| i64::from(self.codegen_freq[i]);
        let header = 3
            + 5
            + 5
            + 4
            + 3 * num_codegens as i64
            + self.codegen_encoding.bit_length(&self.codegen_freq)
            + f(16) * 2
            + f(17) * 3
            + f(18) * 7;
        let size = header
            + self.literal_encoding.bit_length(&self.literal_freq)
            + self.offset_encoding.bit_length(&self.offset_freq)
            + extra_bits;
        (size, num_codegens)
    }

    fn fixed_size(&self, extra_bits: i64) -> i64 {
        3 + self.fixed_literal.bit_length(&self.literal_freq)
            + self.fixed_offset.bit_length(&self.offset_freq)
            + extra_bits
    }

    fn write_dynamic_header(
        &mut self,
        num_literals: usize,
        num_offsets: usize,
        num_codegens: usize,
        eof: bool,
    ) {
        self.write_bits(if eof { 5 } else { 4 }, 3);
        self.write_bits((num_literals - 257) as u32, 5);
        self.write_bits((num_offsets - 1) as u32, 5);
        self.write_bits((num_codegens - 4) as u32, 4);
        for &order in CODEGEN_ORDER.iter().take(num_codegens) {
            let len = self.codegen_encoding.codes[order].len;
            self.write_bits(u32::from(len), 3);
        }
        let mut i = 0;
        loop {
            let word = self.codegen[i];
            i += 1;
            if word == BAD_CODE {
                break;
            }
            let code = self.codegen_encoding.codes[usize::from(word)];
            self.write_code(code);
            let extra = match word {
                16 => 2,
                17 => 3,
                18 => 7,
                _ => 0,
            };
            if extra > 0 {
                let v = u32::from(self.codegen[i]);
                self.write_bits(v, extra);
                i += 1;
            }
        }
    }

    fn write_tokens(&mut self, tokens: &[u32], fixed: bool) {
        for &t in tokens {
            let (lit, off) = if fixed {
                (&self.fixed_literal.codes, &self.fixed_offset.codes)
            } else {
                (&self.literal_encoding.codes, &self.offset_encoding.codes)
            };
            if t < MATCH_TYPE {
                let c = lit[t as usize];
                self.write_code(c);
                continue;
            }
            let length = (t - MATCH_TYPE) >> LENGTH_SHIFT;
            let lc = length_code(length) as usize;
            let lcode = lit[lc + LENGTH_CODES_START];
            let offset = t & OFFSET_MASK;
            let oc = offset_code(offset) as usize;
            let ocode = off[oc];
            self.write_code(lcode);
            let extra = u32::from(LENGTH_EXTRA_BITS[lc]);
            if extra > 0 {
                self.write_bits(length - LENGTH_BASE[lc], extra);
            }
            self.write_code(ocode);
            let extra = u32::from(OFFSET_EXTRA_BITS[oc]);
            if extra > 0 {
                self.write_bits(offset - OFFSET_BASE[oc], extra);
            }
        }
    }

    /// One block of tokens: stored, fixed or dynamic, whichever is
    /// smallest (stored only when the block's input is at hand).
    fn write_block(&mut self, tokens: &[u32], eof: bool, input: Option<&[u8]>) {
        let mut tokens = tokens.to_vec();
        tokens.push(END_BLOCK_MARKER);
        let (num_literals, num_offsets) = self.index_tokens(&tokens);
        let mut extra_bits: i64 = 0;
        let stored = input.filter(|i| i.len() <= MAX_STORE_BLOCK_SIZE);
        if stored.is_some() {
            for code in LENGTH_CODES_START + 8..num_literals {
                extra_bits += i64::from(self.literal_freq[code])
                    * i64::from(LENGTH_EXTRA_BITS[code - LENGTH_CODES_START]);
            }
            for (freq, extra) in self.offset_freq[..num_offsets]
                .iter()
                .zip(OFFSET_EXTRA_BITS)
                .skip(4)
            {
                extra_bits += i64::from(*freq) * i64::from(extra);
            }
        }
        let mut size = self.fixed_size(extra_bits);
        let mut fixed = true;
        self.generate_codegen(num_literals, num_offsets);
        let freq = self.codegen_freq;
        self.codegen_encoding.generate(&freq, 7);
        let (dynamic_size, num_codegens) = self.dynamic_size(extra_bits);
        if dynamic_size < size {
            size = dynamic_size;
            fixed = false;
        }
        if let Some(input) = stored.filter(|i| (((i.len() + 5) * 8) as i64) < size) {
            self.write_stored_header(input.len(), eof);
            self.out.extend_from_slice(input);
            return;
        }
        if fixed {
            self.write_bits(if eof { 3 } else { 2 }, 3);
        } else {
            self.write_dynamic_header(num_literals, num_offsets, num_codegens, eof);
        }
        self.write_tokens(&tokens, fixed);
    }
}

/// Go's `compressor` for the lazy-matching levels.
struct Compressor {
    params: Level,
    w: BitWriter,
    sync: bool,
    chain_head: i64,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    hash_offset: i64,
    index: usize,
    window: Vec<u8>,
    window_end: usize,
    block_start: i64,
    byte_available: bool,
    tokens: Vec<u32>,
    length: usize,
    offset: usize,
    max_insert_index: i64,
}

impl Compressor {
    fn new(lvl: u8) -> Compressor {
        Compressor {
            params: level(lvl),
            w: BitWriter::new(),
            sync: false,
            chain_head: -1,
            hash_head: vec![0; HASH_SIZE],
            hash_prev: vec![0; WINDOW_SIZE],
            hash_offset: 1,
            index: 0,
            window: vec![0; 2 * WINDOW_SIZE],
            window_end: 0,
            block_start: 0,
            byte_available: false,
            tokens: Vec::with_capacity(MAX_FLATE_BLOCK_TOKENS + 1),
            length: MIN_MATCH_LENGTH - 1,
            offset: 0,
            max_insert_index: 0,
        }
    }

    fn fill(&mut self, b: &[u8]) -> usize {
        if self.index >= 2 * WINDOW_SIZE - (MIN_MATCH_LENGTH + MAX_MATCH_LENGTH) {
            // Slide the window by WINDOW_SIZE.
            self.window.copy_within(WINDOW_SIZE..2 * WINDOW_SIZE, 0);
            self.index -= WINDOW_SIZE;
            self.window_end -= WINDOW_SIZE;
            if self.block_start >= WINDOW_SIZE as i64 {
                self.block_start -= WINDOW_SIZE as i64;
            } else {
                self.block_start = i64::from(i32::MAX);
            }
            self.hash_offset += WINDOW_SIZE as i64;
            if self.hash_offset > MAX_HASH_OFFSET {
                let delta = self.hash_offset - 1;
                self.hash_offset -= delta;
                self.chain_head -= delta;
                for v in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
                    *v = if i64::from(*v) > delta {
                        (i64::from(*v) - delta) as u32
                    } else {
                        0
                    };
                }
            }
        }
        let n = b.len().min(self.window.len() - self.window_end);
        self.window[self.window_end..self.window_end + n].copy_from_slice(&b[..n]);
        self.window_end += n;
        n
    }

    fn write_block(&mut self, index: usize) {
        if index > 0 {
            let window = if self.block_start <= index as i64 {
                Some(&self.window[self.block_start as usize..index])
            } else {
                None
            };
            self.w.write_block(&self.tokens, false, window);
            self.block_start = index as i64;
        }
    }

    fn insert_hash(&mut self, index: usize) -> u32 {
        let hash = hash4(&self.window[index..index + MIN_MATCH_LENGTH]) & HASH_MASK;
        let head = self.hash_head[hash as usize];
        self.hash_prev[index & WINDOW_MASK] = head;
        self.hash_head[hash as usize] = (index as i64 + self.hash_offset) as u32;
        head
    }

    fn find_match(
        &self,
        pos: usize,
        prev_head: i64,
        prev_length: usize,
        lookahead: usize,
    ) -> Option<(usize, usize)> {
        let min_match_look = lookahead.min(MAX_MATCH_LENGTH);
        let win = &self.window[..pos + min_match_look];
        let nice = min_match_look.min(self.params.nice);
        let mut tries = self.params.chain;
        let mut length = prev_length;
        if length >= self.params.good {
            tries >>= 2;
        }
        let mut w_end = win[pos + length];
        let min_index = pos as i64 - WINDOW_SIZE as i64;
        let mut found = None;
        let mut i = prev_head;
        while tries > 0 {
            let iu = i as usize;
            if w_end == win[iu + length] {
                let n = win[iu..iu + min_match_look]
                    .iter()
                    .zip(&win[pos..pos + min_match_look])
                    .take_while(|(a, b)| a == b)
                    .count();
                if n > length && (n > MIN_MATCH_LENGTH || pos - iu <= 4096) {
                    length = n;
                    found = Some((n, pos - iu));
                    if n >= nice {
                        break;
                    }
                    w_end = win[pos + n];
                }
            }
            if i == min_index {
                break;
            }
            i = i64::from(self.hash_prev[iu & WINDOW_MASK]) - self.hash_offset;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }

    fn deflate(&mut self) {
        if self.window_end - self.index < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH && !self.sync {
            return;
        }
        self.max_insert_index = self.window_end as i64 - (MIN_MATCH_LENGTH as i64 - 1);
        loop {
            let lookahead = self.window_end - self.index;
            if lookahead < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH {
                if !self.sync {
                    break;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        let b = self.window[self.index - 1];
                        self.tokens.push(literal_token(b));
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.write_block(self.index);
                        self.tokens.clear();
                    }
                    break;
                }
            }
            if (self.index as i64) < self.max_insert_index {
                self.chain_head = i64::from(self.insert_hash(self.index));
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH_LENGTH - 1;
            self.offset = 0;
            let min_index = (self.index as i64 - WINDOW_SIZE as i64).max(0);
            if self.chain_head - self.hash_offset >= min_index
                && lookahead > prev_length
                && prev_length < self.params.lazy
            {
                if let Some((l, o)) = self.find_match(
                    self.index,
                    self.chain_head - self.hash_offset,
                    MIN_MATCH_LENGTH - 1,
                    lookahead,
                ) {
                    self.length = l;
                    self.offset = o;
                }
            }
            if prev_length >= MIN_MATCH_LENGTH && self.length <= prev_length {
                // The match at the previous position is at least as good:
                // emit it, and hash every position it covers.
                self.tokens.push(match_token(
                    prev_length - BASE_MATCH_LENGTH,
                    prev_offset - BASE_MATCH_OFFSET,
                ));
                let new_index = self.index + prev_length - 1;
                let mut index = self.index + 1;
                while index < new_index {
                    if (index as i64) < self.max_insert_index {
                        self.insert_hash(index);
                    }
                    index += 1;
                }
                self.index = index;
                self.byte_available = false;
                self.length = MIN_MATCH_LENGTH - 1;
                if self.tokens.len() == MAX_FLATE_BLOCK_TOKENS {
                    self.write_block(self.index);
                    self.tokens.clear();
                }
            } else {
                if self.byte_available {
                    let i = self.index - 1;
                    self.tokens.push(literal_token(self.window[i]));
                    if self.tokens.len() == MAX_FLATE_BLOCK_TOKENS {
                        self.write_block(i + 1);
                        self.tokens.clear();
                    }
                }
                self.index += 1;
                self.byte_available = true;
            }
        }
    }

    fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            self.deflate();
            let n = self.fill(data);
            data = &data[n..];
        }
    }

    fn close(mut self) -> Vec<u8> {
        self.sync = true;
        self.deflate();
        self.w.write_stored_header(0, true);
        self.w.flush();
        self.w.out
    }
}

/// `data` compressed as Go's `flate.NewWriter(w, 5)`, one `Write` of all
/// of it, then `Close`.
pub fn compress(data: &[u8]) -> Vec<u8> {
    compress_level(data, 5)
}

/// As [`compress`] at another lazy-matching level (4 to 9).
pub fn compress_level(data: &[u8], lvl: u8) -> Vec<u8> {
    let mut c = Compressor::new(lvl);
    c.write(data);
    c.close()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::tests::sample;
    use std::io::Read;

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(data)
            .read_to_end(&mut out)
            .expect("valid deflate stream");
        out
    }

    #[test]
    fn codes_match_the_rfc_tables() {
        assert_eq!(length_code(0), 0); // length 3
        assert_eq!(length_code(8), 8); // length 11
        assert_eq!(length_code(9), 8); // length 12
        assert_eq!(length_code(254), 27); // length 257
        assert_eq!(length_code(255), 28); // length 258
        assert_eq!(offset_code(0), 0);
        assert_eq!(offset_code(4), 4);
        assert_eq!(offset_code(5), 4);
        assert_eq!(offset_code(32767), 29);
    }

    #[test]
    fn empty_input_is_one_empty_final_stored_block() {
        assert_eq!(compress(b""), vec![0x01, 0x00, 0x00, 0xff, 0xff]);
    }

    #[test]
    fn output_inflates_to_the_input() {
        for (len, alphabet, seed) in [
            (1, 4, 1),
            (5, 26, 2),
            (300, 3, 3),
            (4_000, 26, 4),
            (70_000, 8, 5),
            (200_000, 2, 6),
            (100_000, 255, 7),
        ] {
            let data = sample(len, alphabet, seed);
            for lvl in [4, 5, 9] {
                assert_eq!(
                    inflate(&compress_level(&data, lvl)),
                    data,
                    "len {len} level {lvl}"
                );
            }
        }
        let zeros = vec![0u8; 300_000];
        assert_eq!(inflate(&compress(&zeros)), zeros);
    }
}
