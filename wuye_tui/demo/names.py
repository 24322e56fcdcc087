"""Random but realistic Chinese names, phones and plates for the demo."""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 文 华 红 玉兰 "
         "志强 建国 海燕 晓东 丹 萍 鹏 辉 婷 雪 琳 浩 宇 欣怡 子轩 梓涵 一诺 浩然 思远 雨桐 佳怡 俊杰 "
         "文博 嘉怡 晨曦 雅琴 国栋 春梅 立新 宏伟 建军 玉珍 淑华 德明 振华 丽娟 慧敏").split()
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LOCAL_PROVINCE = "粤"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
ALNUM = "0123456789" + LETTERS
MOBILE_PREFIX = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                 "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182", "185", "186",
                 "187", "188", "189", "191", "193", "195", "198", "199")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone_number(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIX) + f"{rng.randrange(10**8):08d}"


def plate_number(rng: random.Random) -> str:
    province = LOCAL_PROVINCE if rng.random() < 0.7 else rng.choice(PROVINCES)
    letter = rng.choice("ABCDE") if province == LOCAL_PROVINCE else rng.choice(LETTERS[:8])
    if rng.random() < 0.2:  # new energy, small car
        return province + letter + rng.choice("DF") + rng.choice(ALNUM) + f"{rng.randrange(10**4):04d}"
    tail = "".join(rng.choice(ALNUM) if i < 2 and rng.random() < 0.3 else rng.choice("0123456789")
                   for i in range(5))
    return province + letter + tail


def id_number(rng: random.Random) -> str:
    """A resident ID with a valid birth date and check digit."""
    region = rng.choice(("440304", "440305", "110105", "310104", "420102", "510107", "330106"))
    year = rng.randrange(1950, 2005)
    month = rng.randrange(1, 13)
    day = rng.randrange(1, 29)
    seq = f"{rng.randrange(1000):03d}"
    body = f"{region}{year:04d}{month:02d}{day:02d}{seq}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]
