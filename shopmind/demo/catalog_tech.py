"""Demo catalog, electronics: phones, laptops, tablets, headphones and smart watches (zh + en)."""

from __future__ import annotations

from shopmind.demo.spec import Family, axis, cat, colors, mem, storage


def _f(key, lang, brand, title, kind, price, desc, attrs=None, axes=None, limit=None) -> Family:
    return Family(key, lang, brand, title, cat(kind, lang), price, kind, desc, attrs or {}, axes or [], limit)


def _phone_zh(screen, battery, weight, chip, **extra):
    return {"屏幕尺寸(英寸)": screen, "电池容量(mAh)": battery, "重量(g)": weight, "处理器": chip, "网络": "5G", **extra}


def _phone_en(screen, battery, weight, chip, **extra):
    return {"screen size (in)": screen, "battery (mAh)": battery, "weight (g)": weight, "chip": chip, "network": "5G", **extra}


PHONES = [
    _f("huawei-mate60pro", "zh", "华为", "华为 Mate 60 Pro 手机", "phone", 6499,
       "搭载麒麟9000S芯片，支持卫星通话，第二代昆仑玻璃让屏幕更耐摔。XMAGE影像系统夜景表现出色，88W有线快充半小时即可充到八成以上。",
       _phone_zh(6.82, 5000, 225, "麒麟9000S", 快充="88W"),
       [mem("zh", ("12GB", "256GB", 0), ("12GB", "512GB", 500)), colors("zh", "雅川青", "雅丹黑", "南糯紫", "白沙银")], 5),
    _f("xiaomi-14", "zh", "小米", "小米14 徕卡光学镜头 5G手机", "phone", 3999,
       "小尺寸旗舰，骁龙8 Gen 3加持，徕卡Summilux光学镜头拍人像很有质感。6.36英寸屏幕单手握持舒适，支持90W有线和50W无线充电。",
       _phone_zh(6.36, 4610, 193, "骁龙8 Gen 3", 快充="90W"),
       [mem("zh", ("12GB", "256GB", 0), ("16GB", "512GB", 600)), colors("zh", "黑色", "白色", "岩石青")], 5),
    _f("redmi-k70", "zh", "小米", "Redmi K70 2K直屏 手机", "phone", 2499,
       "2K中国屏显示细腻，骁龙8 Gen 2性能充足，打游戏不烫手。5000mAh电池配120W神速秒充，性价比之选。",
       _phone_zh(6.67, 5000, 209, "骁龙8 Gen 2", 快充="120W"),
       [mem("zh", ("12GB", "256GB", 0), ("16GB", "512GB", 500)), colors("zh", "墨羽", "晴雪", "竹月蓝")], 3),
    _f("oppo-findx7ultra", "zh", "OPPO", "OPPO Find X7 Ultra 哈苏影像手机", "phone", 5999,
       "双潜望长焦配一英寸主摄，哈苏人像色彩自然。2K曲面屏亮度高，户外看得清。",
       _phone_zh(6.82, 5000, 221, "骁龙8 Gen 3", 快充="100W"),
       [mem("zh", ("16GB", "256GB", 0), ("16GB", "512GB", 500)), colors("zh", "大漠银月", "松影墨韵")], 3),
    _f("vivo-x100pro", "zh", "vivo", "vivo X100 Pro 蔡司APO长焦 手机", "phone", 4999,
       "天玑9300芯片能效出色，蔡司APO超级长焦拍演唱会也清楚。5400mAh蓝海电池，重度使用一天无压力。",
       _phone_zh(6.78, 5400, 221, "天玑9300", 快充="100W"),
       [mem("zh", ("12GB", "256GB", 0), ("16GB", "512GB", 500)), colors("zh", "辰夜黑", "星迹蓝", "白月光")], 3),
    _f("honor-magic6pro", "zh", "荣耀", "荣耀Magic6 Pro 5G手机", "phone", 6199,
       "青海湖电池容量达5600mAh，续航是它最大的亮点。鹰眼相机抓拍运动中的孩子和宠物很清晰。",
       _phone_zh(6.8, 5600, 229, "骁龙8 Gen 3", 快充="80W"),
       [mem("zh", ("16GB", "512GB", 0)), colors("zh", "绒黑色", "海湖青")]),
    _f("apple-iphone15-zh", "zh", "Apple", "Apple iPhone 15 (A3092) 5G手机", "phone", 5999,
       "灵动岛加4800万像素主摄，USB-C接口终于和电脑、iPad共用一根线。磨砂质感彩色玻璃背板不易沾指纹。",
       _phone_zh(6.1, 3349, 171, "A16仿生"),
       [storage("zh", ("128GB", 0), ("256GB", 1000)), colors("zh", "黑色", "粉色", "蓝色")], 4),
    _f("apple-iphone15pro", "en", "Apple", "Apple iPhone 15 Pro", "phone", 999,
       "Titanium design, the A17 Pro chip and a customizable Action button. The 48MP main camera and 3x telephoto make it a strong everyday camera.",
       _phone_en(6.1, 3274, 187, "A17 Pro"),
       [storage("en", ("128GB", 0), ("256GB", 100), ("512GB", 300)),
        colors("en", "Natural Titanium", "Blue Titanium", "Black Titanium", "White Titanium")], 5),
    _f("samsung-s24ultra", "en", "Samsung", "Samsung Galaxy S24 Ultra", "phone", 1299,
       "A 6.8-inch flat display, built-in S Pen and a 200MP camera with 5x optical zoom. Galaxy AI adds live translation for calls and circle-to-search.",
       _phone_en(6.8, 5000, 232, "Snapdragon 8 Gen 3 for Galaxy", memory="12GB"),
       [storage("en", ("256GB", 0), ("512GB", 120)), colors("en", "Titanium Gray", "Titanium Black", "Titanium Violet")], 4),
    _f("google-pixel8", "en", "Google", "Google Pixel 8", "phone", 699,
       "Google Tensor G3 powers Magic Editor, Best Take and excellent call screening. Seven years of OS and security updates.",
       _phone_en(6.2, 4575, 187, "Google Tensor G3", memory="8GB"),
       [storage("en", ("128GB", 0), ("256GB", 60)), colors("en", "Obsidian", "Hazel", "Rose")], 3),
    _f("samsung-a54", "en", "Samsung", "Samsung Galaxy A54 5G", "phone", 449,
       "A mid-range phone with a 120Hz Super AMOLED screen and IP67 water resistance. The 5,000mAh battery easily lasts two days of light use.",
       _phone_en(6.4, 5000, 202, "Exynos 1380", memory="6GB"),
       [storage("en", ("128GB", 0)), colors("en", "Awesome Graphite", "Awesome Violet")]),
    _f("oneplus-12", "en", "OnePlus", "OnePlus 12 5G", "phone", 799,
       "Flagship speed for less: Snapdragon 8 Gen 3, an ultra-bright 2K display and 80W SUPERVOOC charging in the box.",
       _phone_en(6.82, 5400, 220, "Snapdragon 8 Gen 3"),
       [mem("en", ("12GB", "256GB", 0), ("16GB", "512GB", 100)), colors("en", "Flowy Emerald", "Silky Black")], 3),
    _f("moto-gpower-2024", "en", "Motorola", "Motorola moto g power 5G (2024)", "phone", 299.99,
       "A budget phone built around battery life, with a 50MP camera and a microSD slot for cheap extra storage.",
       _phone_en(6.7, 5000, 216, "Dimensity 7020", memory="8GB"),
       [storage("en", ("128GB", 0)), colors("en", "Midnight Blue", "Pale Lilac")]),
]


def _laptop_zh(screen, cpu, weight, battery_wh, **extra):
    return {"屏幕尺寸(英寸)": screen, "处理器": cpu, "重量(kg)": weight, "电池(Wh)": battery_wh, **extra}


def _laptop_en(screen, cpu, weight, battery_wh, **extra):
    return {"screen size (in)": screen, "processor": cpu, "weight (kg)": weight, "battery (Wh)": battery_wh, **extra}


LAPTOPS = [
    _f("lenovo-y9000p-2024", "zh", "联想", "联想拯救者 Y9000P 2024 16英寸电竞游戏本", "laptop", 9999,
       "i9-14900HX处理器配2.5K 240Hz电竞屏，霜刃Pro散热系统满载也能稳住帧数。适合3A游戏和视频剪辑。",
       _laptop_zh(16.0, "i9-14900HX", 2.8, 80, 内存="16GB", 存储="1TB"),
       [axis("显卡", ("RTX 4060", 0), ("RTX 4070", 1500))]),
    _f("lenovo-xiaoxinpro16-2024", "zh", "联想", "联想小新 Pro 16 2024 轻薄笔记本电脑", "laptop", 5299,
       "酷睿Ultra 5处理器加32GB大内存，多开网页和办公软件依旧流畅。2.5K 120Hz护眼屏，学生和上班族都适用。",
       _laptop_zh(16.0, "Core Ultra 5 125H", 1.89, 84, 内存="32GB", 存储="1TB"),
       [colors("zh", "鸽子灰", "青山绿")]),
    _f("huawei-matebookxpro-2024", "zh", "华为", "华为 MateBook X Pro 2024 14.2英寸 OLED 笔记本", "laptop", 11999,
       "整机重量仅980克，3.1K OLED触控屏色彩准确。与华为手机多屏协同，文件拖拽即可互传。",
       _laptop_zh(14.2, "Core Ultra 7 155H", 0.98, 70, 颜色="墨蓝"),
       [mem("zh", ("16GB", "1TB", 0), ("32GB", "2TB", 3000))]),
    _f("redmibook-pro15-2023", "zh", "小米", "Redmi Book Pro 15 2023 锐龙版 笔记本", "laptop", 4299,
       "R7-7840HS处理器搭配3.2K 120Hz大屏，写代码和看剧都很舒服。金属机身，接口齐全带HDMI。",
       _laptop_zh(15.6, "R7-7840HS", 1.8, 72, 内存="16GB", 存储="512GB", 颜色="星光灰")),
    _f("apple-macbookair-m3-zh", "zh", "Apple", "Apple MacBook Air 13英寸 M3芯片 笔记本电脑", "laptop", 8999,
       "无风扇设计，安静到听不见。M3芯片续航长达18小时，出差一整天不用带充电器。",
       _laptop_zh(13.6, "Apple M3", 1.24, 52.6),
       [mem("zh", ("8GB", "256GB", 0), ("16GB", "512GB", 2500)), colors("zh", "午夜色", "星光色", "深空灰色")], 3),
    _f("asus-tianxuan5pro", "zh", "华硕", "华硕天选5 Pro 16英寸 游戏本", "laptop", 7499,
       "i7-13650HX配RTX 4060，2.5K 165Hz广色域屏幕。配色年轻，键盘手感扎实。",
       _laptop_zh(16.0, "i7-13650HX", 2.3, 90, 内存="16GB", 存储="1TB", 显卡="RTX 4060"),
       [colors("zh", "日蚀灰", "魔幻青")]),
    _f("apple-macbookpro14-m3pro", "en", "Apple", "Apple MacBook Pro 14-inch M3 Pro", "laptop", 1999,
       "The M3 Pro chip handles 4K video timelines and large code builds with ease. The Liquid Retina XDR display reaches 1,600 nits for HDR content.",
       _laptop_en(14.2, "Apple M3 Pro", 1.61, 72.4),
       [mem("en", ("18GB", "512GB", 0), ("18GB", "1TB", 400)), colors("en", "Space Black", "Silver")], 3),
    _f("dell-xps13-9340", "en", "Dell", "Dell XPS 13 (9340) Laptop", "laptop", 1299,
       "A compact 13.4-inch ultrabook with an edge-to-edge keyboard and a seamless glass touchpad. Intel Core Ultra 7 with a built-in NPU for AI features.",
       _laptop_en(13.4, "Core Ultra 7 155H", 1.19, 55, color="Platinum"),
       [mem("en", ("16GB", "512GB", 0), ("32GB", "1TB", 400))]),
    _f("lenovo-x1carbon-g12", "en", "Lenovo", "Lenovo ThinkPad X1 Carbon Gen 12", "laptop", 1799,
       "The business classic: a 1.09 kg carbon-fibre chassis, a great keyboard and a 2.8K OLED option. MIL-STD 810H tested for durability.",
       _laptop_en(14.0, "Core Ultra 7 155U", 1.09, 57, color="Black"),
       [mem("en", ("16GB", "512GB", 0), ("32GB", "1TB", 400))]),
    _f("hp-spectre-x360-14", "en", "HP", "HP Spectre x360 14 2-in-1 Laptop", "laptop", 1449,
       "A convertible with a 2.8K OLED touch screen and a pen in the box. Flip it into tent mode for movies or tablet mode for notes.",
       _laptop_en(14.0, "Core Ultra 7 155H", 1.44, 68, memory="16GB", storage="1TB"),
       [colors("en", "Nightfall Black", "Slate Blue")]),
    _f("asus-rog-g14-2024", "en", "ASUS", "ASUS ROG Zephyrus G14 (2024) Gaming Laptop", "laptop", 1599,
       "A 14-inch gaming laptop with a 3K 120Hz OLED panel and an aluminium body that weighs 1.5 kg. Quiet in silent mode, fast in turbo.",
       _laptop_en(14.0, "Ryzen 9 8945HS", 1.5, 73, memory="16GB", storage="1TB"),
       [axis("graphics", ("RTX 4060", 0), ("RTX 4070", 400))]),
    _f("lenovo-ideapad-slim5", "en", "Lenovo", "Lenovo IdeaPad Slim 5 16-inch Laptop", "laptop", 699,
       "An affordable all-rounder for school and home office with a full-size keyboard, a 1080p webcam with privacy shutter and Wi-Fi 6E.",
       _laptop_en(16.0, "Ryzen 7 8845HS", 1.89, 57, memory="16GB", storage="512GB"),
       [colors("en", "Cloud Grey", "Abyss Blue")]),
]


def _tablet_zh(screen, battery, weight, **extra):
    return {"屏幕尺寸(英寸)": screen, "电池容量(mAh)": battery, "重量(g)": weight, **extra}


def _tablet_en(screen, battery, weight, **extra):
    return {"screen size (in)": screen, "battery (mAh)": battery, "weight (g)": weight, **extra}


TABLETS = [
    _f("huawei-matepadpro132", "zh", "华为", "华为 MatePad Pro 13.2英寸 平板电脑", "tablet", 5199,
       "13.2英寸柔性OLED大屏，144Hz高刷，画画和看片都很震撼。支持星闪手写笔，书写延迟很低。",
       _tablet_zh(13.2, 10100, 580),
       [mem("zh", ("12GB", "256GB", 0), ("12GB", "512GB", 500)), colors("zh", "曜金黑", "晶钻白")], 3),
    _f("xiaomi-pad6", "zh", "小米", "小米平板6 11英寸 2.8K超清 平板", "tablet", 1999,
       "骁龙870处理器，2.8K 144Hz屏幕，网课、追剧、轻度办公都合适。四扬声器杜比全景声，外放效果好。",
       _tablet_zh(11.0, 8840, 490, 处理器="骁龙870"),
       [mem("zh", ("8GB", "128GB", 0), ("8GB", "256GB", 300)), colors("zh", "黑色", "远山蓝", "金色")], 3),
    _f("apple-ipadair-m2-zh", "zh", "Apple", "Apple iPad Air 11英寸 M2芯片 平板电脑", "tablet", 4799,
       "M2芯片让修图和剪辑都很流畅，支持Apple Pencil Pro。横置前置摄像头，视频通话更自然。",
       _tablet_zh(11.0, 7606, 462, 处理器="Apple M2"),
       [storage("zh", ("128GB", 0), ("256GB", 800)), colors("zh", "深空灰色", "蓝色", "紫色")], 3),
    _f("lenovo-xiaoxinpadpro127", "zh", "联想", "联想小新Pad Pro 12.7英寸 平板", "tablet", 1899,
       "12.7英寸2.9K大屏，适合分屏学习。10200mAh大电池，追剧一整天。",
       _tablet_zh(12.7, 10200, 615, 内存="8GB", 存储="128GB", 颜色="鸽子灰")),
    _f("apple-ipadpro11-m4", "en", "Apple", "Apple iPad Pro 11-inch (M4)", "tablet", 999,
       "The thinnest iPad yet with an Ultra Retina XDR tandem OLED display. The M4 chip makes it a serious tool for drawing and video editing.",
       _tablet_en(11.0, 8160, 444, chip="Apple M4"),
       [storage("en", ("256GB", 0), ("512GB", 200)), colors("en", "Space Black", "Silver")], 3),
    _f("apple-ipad-10", "en", "Apple", "Apple iPad (10th generation) 10.9-inch Wi-Fi", "tablet", 349,
       "A colorful everyday iPad for streaming, homework and video calls, with USB-C and a landscape front camera.",
       _tablet_en(10.9, 7606, 477, chip="A14 Bionic"),
       [storage("en", ("64GB", 0), ("256GB", 150)), colors("en", "Blue", "Pink", "Silver", "Yellow")], 3),
    _f("samsung-tabs9", "en", "Samsung", "Samsung Galaxy Tab S9 11-inch", "tablet", 799,
       "A Dynamic AMOLED 2X screen, IP68 water resistance and an S Pen included in the box.",
       _tablet_en(11.0, 8400, 498, chip="Snapdragon 8 Gen 2"),
       [storage("en", ("128GB", 0), ("256GB", 120)), colors("en", "Graphite", "Beige")], 2),
    _f("amazon-firehd10-2023", "en", "Amazon", "Amazon Fire HD 10 Tablet (2023)", "tablet", 139.99,
       "A low-cost 10.1-inch tablet for reading, streaming and kids' apps, with up to 13 hours of battery life.",
       _tablet_en(10.1, 6300, 433),
       [storage("en", ("32GB", 0), ("64GB", 40)), colors("en", "Black", "Lilac")], 2),
]


def _hp_zh(form, anc, hours, weight, **extra):
    return {"佩戴方式": form, "主动降噪": anc, "续航(小时)": hours, "重量(g)": weight, **extra}


def _hp_en(form, anc, hours, weight, **extra):
    return {"type": form, "noise cancelling": anc, "battery life (h)": hours, "weight (g)": weight, **extra}


HEADPHONES = [
    _f("huawei-freebudspro3", "zh", "华为", "华为 FreeBuds Pro 3 真无线降噪耳机", "headphones", 1499,
       "星闪连接更稳定，支持无损音质传输。智慧动态降噪3.0，地铁通勤明显安静。",
       _hp_zh("入耳式", True, 31, 5.8, 蓝牙版本="5.2"),
       [colors("zh", "冰霜银", "雅川青", "陶瓷白")]),
    _f("redmi-buds5", "zh", "小米", "Redmi Buds 5 主动降噪蓝牙耳机", "headphones", 199,
       "两百元价位就有46dB深度降噪，单次续航10小时。通透模式下点外卖也不用摘耳机。",
       _hp_zh("入耳式", True, 40, 5.0, 蓝牙版本="5.3"),
       [colors("zh", "素月白", "午夜黑")]),
    _f("apple-airpodspro2-zh", "zh", "Apple", "Apple AirPods Pro (第二代) 配MagSafe充电盒 (USB-C)", "headphones", 1899,
       "自适应音频会根据环境自动调整降噪强度。和iPhone、Mac之间自动切换，苹果用户体验无缝。",
       _hp_zh("入耳式", True, 30, 5.3, 颜色="白色")),
    _f("sony-wh1000xm5-zh", "zh", "索尼", "索尼 WH-1000XM5 头戴式无线降噪耳机", "headphones", 2999,
       "八麦克风加双处理器，降噪效果在同类中名列前茅。佩戴轻盈，长途飞行也不压头。",
       _hp_zh("头戴式", True, 30, 250, 蓝牙版本="5.2"),
       [colors("zh", "黑色", "铂金银")]),
    _f("edifier-w820nb", "zh", "漫步者", "漫步者 W820NB 双金标版 头戴式降噪耳机", "headphones", 299,
       "支持LDAC高清音频，三百元档的头戴降噪首选。续航长达49小时，一周一充。",
       _hp_zh("头戴式", True, 49, 252, 蓝牙版本="5.2"),
       [colors("zh", "雾白", "曜石黑")]),
    _f("shokz-openrunpro-zh", "zh", "韶音", "韶音 OpenRun Pro 骨传导运动耳机", "headphones", 1398,
       "开放双耳的骨传导设计，跑步时也能听到路况。IP55防汗防水，跑马拉松的朋友很喜欢。",
       _hp_zh("骨传导", False, 10, 29),
       [colors("zh", "黑色", "蓝色")]),
    _f("sony-wh1000xm5", "en", "Sony", "Sony WH-1000XM5 Wireless Noise Canceling Headphones", "headphones", 399.99,
       "Industry-leading noise canceling with eight microphones and a lightweight, soft-fit design. Up to 30 hours of playback with quick charge.",
       _hp_en("over-ear", True, 30, 250, bluetooth="5.2"),
       [colors("en", "Black", "Silver", "Midnight Blue")]),
    _f("bose-qcultra", "en", "Bose", "Bose QuietComfort Ultra Headphones", "headphones", 429,
       "Bose's best noise cancellation plus Immersive Audio that makes music sound like it comes from around you.",
       _hp_en("over-ear", True, 24, 250, bluetooth="5.3"),
       [colors("en", "Black", "White Smoke")]),
    _f("apple-airpodspro2", "en", "Apple", "Apple AirPods Pro (2nd generation) with USB-C", "headphones", 249,
       "Active Noise Cancellation, Adaptive Audio and personalized Spatial Audio, in a MagSafe case with a built-in speaker for Find My.",
       _hp_en("in-ear", True, 30, 5.3, color="White")),
    _f("sony-wf1000xm5", "en", "Sony", "Sony WF-1000XM5 True Wireless Earbuds", "headphones", 299.99,
       "Smaller, lighter earbuds with Sony's best in-ear noise canceling and Hi-Res Audio over LDAC.",
       _hp_en("in-ear", True, 24, 5.9, bluetooth="5.3"),
       [colors("en", "Black", "Platinum Silver")]),
    _f("sennheiser-momentum4", "en", "Sennheiser", "Sennheiser Momentum 4 Wireless Headphones", "headphones", 379.95,
       "An audiophile favourite with a warm, detailed sound and a class-leading 60-hour battery.",
       _hp_en("over-ear", True, 60, 293, bluetooth="5.2"),
       [colors("en", "Black", "White")]),
    _f("jbl-tune760nc", "en", "JBL", "JBL Tune 760NC Wireless Over-Ear Headphones", "headphones", 129.95,
       "Foldable, budget noise-canceling headphones with JBL Pure Bass sound and 35 hours of battery with ANC on.",
       _hp_en("over-ear", True, 35, 220, bluetooth="5.0"),
       [colors("en", "Black", "Blue", "White")], 2),
    _f("beats-studiopro", "en", "Beats", "Beats Studio Pro Wireless Headphones", "headphones", 349.99,
       "Personalized Spatial Audio, USB-C lossless audio and up to 40 hours of battery, with one-touch pairing for iOS and Android.",
       _hp_en("over-ear", True, 40, 260, bluetooth="5.3"),
       [colors("en", "Black", "Navy", "Sandstone")], 2),
    _f("shokz-openrunpro", "en", "Shokz", "Shokz OpenRun Pro Bone Conduction Sport Headphones", "headphones", 179.95,
       "Open-ear bone conduction keeps you aware of traffic on the road; sweat-resistant and light enough to forget you are wearing it.",
       _hp_en("bone conduction", False, 10, 29, color="Black")),
]


def _watch_zh(days, weight, gps=True, **extra):
    return {"续航(天)": days, "重量(g)": weight, "GPS": gps, "防水等级": "5ATM", **extra}


def _watch_en(days, weight, gps=True, **extra):
    return {"battery life (days)": days, "weight (g)": weight, "GPS": gps, "water resistance": "5ATM", **extra}


WATCHES = [
    _f("huawei-watchgt4-46", "zh", "华为", "华为 WATCH GT 4 46mm 智能手表", "watch", 1488,
       "八角形经典表盘设计，日常使用续航可达14天。支持100多种运动模式和科学睡眠监测，跑步配速提醒很准。",
       _watch_zh(14, 48, 表盘尺寸="46mm"),
       [axis("表带", ("云杉绿复合表带", 0), ("山茶棕真皮表带", 100), ("曜石黑氟橡胶表带", 0))]),
    _f("xiaomi-band8", "zh", "小米", "小米手环8 智能运动手环", "watch", 239,
       "1.62英寸AMOLED屏，支持150多种运动模式，16天超长续航。新增跑步豆模式，可以记录步频和触地时间。",
       _watch_zh(16, 27, False),
       [colors("zh", "亮黑色", "淡金色", "浅银灰")], 2),
    _f("apple-watchs9-zh", "zh", "Apple", "Apple Watch Series 9 智能手表 GPS款 45毫米", "watch", 3199,
       "S9芯片支持双指互点手势，屏幕亮度最高2000尼特。心率、血氧、睡眠和摔倒检测一应俱全。",
       _watch_zh(1, 38.7, 表盘尺寸="45mm"),
       [colors("zh", "午夜色", "星光色", "粉色")], 2),
    _f("garmin-fr265-zh", "zh", "佳明", "佳明 Garmin Forerunner 265 跑步运动手表", "watch", 3380,
       "专为跑者设计，AMOLED屏加双频GPS，训练准备度和HRV状态帮助安排强度。马拉松备赛的好帮手。",
       _watch_zh(13, 47),
       [colors("zh", "黑色", "白色")]),
    _f("huawei-watch4pro", "zh", "华为", "华为 WATCH 4 Pro 钛金属 智能手表", "watch", 3299,
       "航天级钛金属表壳加蓝宝石玻璃，支持eSIM独立通话。一键微体检可查看心率、血氧和呼吸健康。",
       _watch_zh(4.5, 65.5, 表盘尺寸="48mm", 颜色="钛金属色")),
    _f("huawei-watchfit3", "zh", "华为", "华为 WATCH FIT 3 轻薄智能手表", "watch", 999,
       "方形大屏、机身轻薄，女生戴也不显大。支持卡路里管理，减脂人群很实用。",
       _watch_zh(10, 26),
       [colors("zh", "月光白", "曜石黑", "草木绿")], 2),
    _f("apple-watchs9", "en", "Apple", "Apple Watch Series 9 GPS 45mm", "watch", 429,
       "The S9 chip enables the double-tap gesture and a brighter display. Tracks heart rate, blood oxygen, sleep stages and workouts.",
       _watch_en(1, 38.7, case="45mm aluminum"),
       [colors("en", "Midnight", "Starlight", "(PRODUCT)RED")], 2),
    _f("apple-watchultra2", "en", "Apple", "Apple Watch Ultra 2", "watch", 799,
       "A 49mm titanium case, precision dual-frequency GPS and up to 36 hours of battery for trail runs and dives.",
       _watch_en(1.5, 61.4, case="49mm titanium", color="Natural Titanium")),
    _f("garmin-fr265", "en", "Garmin", "Garmin Forerunner 265 Running Smartwatch", "watch", 449.99,
       "A runner's watch with a bright AMOLED display, training readiness, HRV status and race-time predictions.",
       _watch_en(13, 47),
       [colors("en", "Black", "Whitestone", "Aqua")], 2),
    _f("garmin-fenix7pro-solar", "en", "Garmin", "Garmin fenix 7 Pro Solar Multisport GPS Watch", "watch", 799.99,
       "A rugged adventure watch with solar charging, a built-in flashlight and topo maps for hiking and ultra running.",
       _watch_en(22, 79, color="Slate Gray")),
    _f("samsung-galaxywatch6", "en", "Samsung", "Samsung Galaxy Watch6 44mm Bluetooth", "watch", 329.99,
       "A bigger, brighter screen and detailed sleep coaching; works best with Galaxy phones.",
       _watch_en(1.7, 33.3, case="44mm"),
       [colors("en", "Graphite", "Silver")]),
    _f("fitbit-charge6", "en", "Fitbit", "Fitbit Charge 6 Fitness Tracker", "watch", 159.95,
       "A slim tracker with built-in GPS, heart-rate tracking accurate enough to pair with gym equipment, and YouTube Music controls.",
       _watch_en(7, 30),
       [colors("en", "Obsidian", "Porcelain", "Coral")], 2),
]

FAMILIES = PHONES + LAPTOPS + TABLETS + HEADPHONES + WATCHES
