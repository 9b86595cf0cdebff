"""Seed the spelling-variant table with North Korean names, places and institutions.

Spellings: McCune-Reischauer (with diacritics and apostrophes), its plain
ASCII form, the DPRK's own romanization, South Korea's Revised Romanization
and common press spellings, and Hangul (the DPRK form, plus the South Korean
form where the two differ, e.g. 로동/노동). Curators extend it in the admin.
"""

from django.db import migrations

GROUPS = [
    # People
    ("Kim Jong Un", ["Kim Jong Un", "Kim Jong-un", "Kim Jŏng-ŭn", "Kim Chŏng-ŭn",
                     "Kim Jong-eun", "김정은"]),
    ("Kim Jong Il", ["Kim Jong Il", "Kim Jong-il", "Kim Jŏng-il", "Kim Chŏng-il",
                     "김정일"]),
    ("Kim Il Sung", ["Kim Il Sung", "Kim Il-sung", "Kim Il-sŏng", "Kim Ilsŏng",
                     "김일성"]),
    ("Kim Yo Jong", ["Kim Yo Jong", "Kim Yo-jong", "Kim Yŏ-jŏng", "Kim Yŏjŏng",
                     "김여정"]),
    ("Kim Jong Nam", ["Kim Jong Nam", "Kim Jong-nam", "Kim Chŏng-nam", "김정남"]),
    ("Ri Sol Ju", ["Ri Sol Ju", "Ri Sol-ju", "Ri Sŏlchu", "리설주"]),
    ("Jang Song Thaek", ["Jang Song Thaek", "Jang Song-thaek", "Chang Sŏng-t'aek",
                         "Jang Sung-taek", "장성택"]),
    ("Choe Ryong Hae", ["Choe Ryong Hae", "Choe Ryong-hae", "Ch'oe Ryong-hae",
                        "Choi Ryong-hae", "최룡해"]),
    ("Choe Son Hui", ["Choe Son Hui", "Choe Son-hui", "Ch'oe Sŏn-hŭi",
                      "Choi Son-hui", "최선희"]),
    ("Hyon Song Wol", ["Hyon Song Wol", "Hyon Song-wol", "Hyŏn Song-wŏl",
                       "Hyun Song-wol", "현송월"]),
    ("Kim Yong Nam", ["Kim Yong Nam", "Kim Yong-nam", "Kim Yŏng-nam", "김영남"]),
    ("Pak Pong Ju", ["Pak Pong Ju", "Pak Pong-ju", "Park Pong-ju", "박봉주"]),
    ("Ri Chun Hee (KCTV announcer)", ["Ri Chun Hee", "Ri Chun-hee", "Ri Chun Hi",
                                      "Ri Ch'un-hi", "리춘히"]),
    # Country and places
    ("North Korea", ["North Korea", "DPRK", "Democratic People's Republic of Korea",
                     "북한", "북조선", "조선민주주의인민공화국"]),
    ("Pyongyang", ["Pyongyang", "P'yŏngyang", "Pyeongyang", "평양"]),
    ("Kaesong", ["Kaesong", "Kaesŏng", "Gaeseong", "개성"]),
    ("Wonsan", ["Wonsan", "Wŏnsan", "원산"]),
    ("Sinuiju", ["Sinuiju", "Sinŭiju", "신의주"]),
    ("Chongjin", ["Chongjin", "Ch'ŏngjin", "Cheongjin", "청진"]),
    ("Hamhung", ["Hamhung", "Hamhŭng", "Hamheung", "함흥"]),
    ("Hyesan", ["Hyesan", "혜산"]),
    ("Rason", ["Rason", "Rasŏn", "Rajin-Sonbong", "Rajin-Sŏnbong",
               "Najin-Seonbong", "라선", "나선"]),
    ("Nampo", ["Nampo", "Namp'o", "남포"]),
    ("Yongbyon", ["Yongbyon", "Yŏngbyŏn", "Yeongbyeon", "영변"]),
    ("Panmunjom", ["Panmunjom", "P'anmunjŏm", "Panmunjeom", "판문점"]),
    ("Punggye-ri", ["Punggye-ri", "P'unggye-ri", "풍계리"]),
    ("Tongchang-ri", ["Tongchang-ri", "Tongch'ang-ri", "Dongchang-ri", "동창리"]),
    ("Samjiyon", ["Samjiyon", "Samjiyŏn", "삼지연"]),
    ("Chagang Province", ["Chagang", "Jagang", "자강도"]),
    ("Ryanggang Province", ["Ryanggang", "Yanggang", "량강도", "양강도"]),
    ("Mount Paektu", ["Mount Paektu", "Paektusan", "Paektu-san", "Mount Baekdu",
                      "Baekdusan", "백두산"]),
    ("Mount Kumgang", ["Mount Kumgang", "Kumgangsan", "Kŭmgangsan",
                       "Mount Geumgang", "Geumgangsan", "금강산"]),
    ("Taedong River", ["Taedong River", "Taedonggang", "Daedong River", "대동강"]),
    ("Dandong", ["Dandong", "단둥"]),
    # Party, state and media
    ("Workers' Party of Korea", ["Workers' Party of Korea", "Korean Workers' Party",
                                 "WPK", "KWP", "조선로동당", "조선노동당"]),
    ("Korean People's Army", ["Korean People's Army", "KPA", "조선인민군"]),
    ("Supreme People's Assembly", ["Supreme People's Assembly", "최고인민회의"]),
    ("Ministry of State Security", ["Ministry of State Security",
                                    "State Security Department", "Bowibu",
                                    "보위부", "국가보위성"]),
    ("Rodong Sinmun", ["Rodong Sinmun", "Nodong Sinmun", "Rodong Shinmun",
                       "로동신문", "노동신문"]),
    ("Minju Choson", ["Minju Choson", "Minju Chosŏn", "민주조선"]),
    ("KCNA", ["KCNA", "Korean Central News Agency", "조선중앙통신"]),
    ("KCTV", ["KCTV", "Korean Central Television", "Korean Central TV",
              "조선중앙텔레비죤", "조선중앙TV"]),
    ("Voice of Korea", ["Voice of Korea", "조선의 소리"]),
    ("Uriminzokkiri", ["Uriminzokkiri", "Uriminjokkiri", "우리민족끼리"]),
    ("Naenara", ["Naenara", "내나라"]),
    ("Kim Il Sung University", ["Kim Il Sung University", "Kim Il-sung University",
                                "김일성종합대학"]),
    ("Kim Chaek University of Technology", ["Kim Chaek University",
                                            "Kim Ch'aek University",
                                            "김책공업종합대학"]),
    ("Korea Computer Center", ["Korea Computer Center", "Korean Computer Center",
                               "조선콤퓨터쎈터"]),
    ("Mansudae", ["Mansudae", "만수대"]),
    # Technology
    ("Kwangmyong (intranet)", ["Kwangmyong", "Kwangmyŏng", "Gwangmyeong", "광명"]),
    ("Koryolink", ["Koryolink", "Koryo Link", "고려링크"]),
    ("Red Star OS", ["Red Star", "Pulgunbyol", "Pulgŭnbyŏl", "Bulgeunbyeol", "붉은별"]),
    ("Manbang (IPTV)", ["Manbang", "만방"]),
    ("Kwangmyongsong (satellites)", ["Kwangmyongsong", "Kwangmyŏngsŏng",
                                     "Gwangmyeongseong", "광명성"]),
    ("Unha (rocket)", ["Unha", "Ŭnha", "Eunha", "은하"]),
    ("Hwasong (missiles)", ["Hwasong", "Hwasŏng", "Hwaseong", "화성"]),
    # Ideas and society
    ("Juche", ["Juche", "Chuch'e", "Chuche", "주체"]),
    ("Songun", ["Songun", "Sŏn'gun", "Seongun", "선군"]),
    ("Chollima", ["Chollima", "Ch'ŏllima", "Cheollima", "천리마"]),
    ("Choson", ["Chosun", "Choson", "Chosŏn", "Joseon", "조선"]),
    ("Jangmadang (markets)", ["Jangmadang", "Changmadang", "장마당"]),
    ("Songbun", ["Songbun", "Sŏngbun", "Seongbun", "성분"]),
    ("Kwalliso (prison camps)", ["Kwalliso", "Kwanliso", "Gwalliso", "관리소"]),
    # Outside media
    ("Yonhap", ["Yonhap", "Yonhap News Agency", "연합뉴스"]),
    ("Daily NK", ["Daily NK", "DailyNK", "데일리NK"]),
    ("Chosun Ilbo", ["Chosun Ilbo", "Chosŏn Ilbo", "Joseon Ilbo", "조선일보"]),
    ("Radio Free Asia", ["Radio Free Asia", "RFA", "자유아시아방송"]),
    ("Voice of America", ["Voice of America", "VOA", "미국의 소리"]),
]  # fmt: skip


def seed(apps, schema_editor):
    VariantGroup = apps.get_model("search", "VariantGroup")
    VariantGroup.objects.bulk_create(
        [
            VariantGroup(name=name, variants="\n".join(spellings))
            for name, spellings in GROUPS
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    VariantGroup = apps.get_model("search", "VariantGroup")
    VariantGroup.objects.filter(name__in=[name for name, _ in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
