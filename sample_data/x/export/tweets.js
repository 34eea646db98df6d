window.YTD.tweets.part0 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "989792516305847335"
          ],
          "editableUntil": "2018-04-27T09:35:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/6305847335",
            "expanded_url": "https://t.me/rusembdprk/163",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "134"
      ],
      "favorite_count": "16",
      "id_str": "989792516305847335",
      "truncated": false,
      "retweet_count": "5",
      "id": "989792516305847335",
      "created_at": "Fri Apr 27 09:05:00 +0000 2018",
      "favorited": false,
      "full_text": "Россия приветствует межкорейский саммит в Пханмунджоме.\n\nRussia welcomes the inter-Korean summit in Panmunjom. https://t.co/6305847335",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "988659047592887334"
          ],
          "editableUntil": "2018-04-24T06:31:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "58"
      ],
      "favorite_count": "0",
      "id_str": "988659047592887334",
      "truncated": false,
      "retweet_count": "0",
      "id": "988659047592887334",
      "created_at": "Tue Apr 24 06:01:00 +0000 2018",
      "favorited": false,
      "full_text": "RT @MID_RF: Выступление С.В.Лаврова на пресс-конференции.…",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "987569115755447333"
          ],
          "editableUntil": "2018-04-21T06:20:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/5755447333",
            "expanded_url": "https://t.me/rusembdprk/161",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "171"
      ],
      "favorite_count": "16",
      "id_str": "987569115755447333",
      "truncated": false,
      "retweet_count": "2",
      "id": "987569115755447333",
      "created_at": "Sat Apr 21 05:50:00 +0000 2018",
      "favorited": false,
      "full_text": "Российский павильон на Пхеньянской весенней международной торговой ярмарке.\n\nThe Russian pavilion at the Pyongyang Spring International Trade Fair. https://t.co/5755447333",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "985358298117047332"
          ],
          "editableUntil": "2018-04-15T03:55:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/8117047332",
            "expanded_url": "https://t.me/rusembdprk/160",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "191"
      ],
      "favorite_count": "37",
      "id_str": "985358298117047332",
      "truncated": false,
      "retweet_count": "3",
      "id": "985358298117047332",
      "created_at": "Sun Apr 15 03:25:00 +0000 2018",
      "favorited": false,
      "full_text": "Российские артисты выступили на апрельском весеннем фестивале искусств в Пхеньяне.\n\nRussian artists performed at the April Spring Friendship Art Festival in Pyongyang. https://t.co/8117047332",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "985037433861047331"
          ],
          "editableUntil": "2018-04-14T06:40:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/3861047331",
            "expanded_url": "https://t.me/rusembdprk/159",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "114"
      ],
      "favorite_count": "31",
      "id_str": "985037433861047331",
      "truncated": false,
      "retweet_count": "3",
      "id": "985037433861047331",
      "created_at": "Sat Apr 14 06:10:00 +0000 2018",
      "favorited": false,
      "full_text": "Фото недели: осень и зима у Триумфальной арки.\n\nPhoto of the week: at the Arch of Triumph. https://t.co/3861047331",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "984339082245047330"
          ],
          "editableUntil": "2018-04-12T08:25:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/2245047330",
            "expanded_url": "https://t.me/rusembdprk/158",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "188"
      ],
      "favorite_count": "49",
      "id_str": "984339082245047330",
      "truncated": false,
      "retweet_count": "16",
      "id": "984339082245047330",
      "created_at": "Thu Apr 12 07:55:00 +0000 2018",
      "favorited": false,
      "full_text": "День космонавтики: в посольстве рассказали корейским школьникам о полёте Гагарина.\n\nCosmonautics Day: the Embassy told Korean schoolchildren about Gagarin's flight. https://t.co/2245047330",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "983594173854647329"
          ],
          "editableUntil": "2018-04-10T07:05:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/3854647329",
            "expanded_url": "https://t.me/rusembdprk/157",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "208"
      ],
      "favorite_count": "16",
      "id_str": "983594173854647329",
      "truncated": false,
      "retweet_count": "2",
      "id": "983594173854647329",
      "created_at": "Tue Apr 10 06:35:00 +0000 2018",
      "favorited": false,
      "full_text": "Министр иностранных дел России С.В.Лавров встретился с министром иностранных дел КНДР Ли Ен Хо в Москве.\n\nForeign Minister Sergey Lavrov met DPRK Foreign Minister Ri Yong Ho in Moscow. https://t.co/3854647329",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "982796417233847328"
          ],
          "editableUntil": "2018-04-08T02:15:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/7233847328",
            "expanded_url": "https://t.me/rusembdprk/156",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "147"
      ],
      "favorite_count": "27",
      "id_str": "982796417233847328",
      "truncated": false,
      "retweet_count": "2",
      "id": "982796417233847328",
      "created_at": "Sun Apr 08 01:45:00 +0000 2018",
      "favorited": false,
      "full_text": "Сотрудники посольства пробежали Пхеньянский международный марафон.\n\nEmbassy staff ran the Pyongyang International Marathon. https://t.co/7233847328",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "981426893091767327"
          ],
          "editableUntil": "2018-04-04T07:33:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/3091767327",
            "expanded_url": "https://t.me/rusembdprk/155",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "89"
      ],
      "favorite_count": "49",
      "id_str": "981426893091767327",
      "truncated": false,
      "retweet_count": "15",
      "id": "981426893091767327",
      "created_at": "Wed Apr 04 07:03:00 +0000 2018",
      "favorited": false,
      "full_text": "Фото недели: осень и зима в Расоне.\n\nPhoto of the week: in Rason. https://t.co/3091767327",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "978545909560247326"
          ],
          "editableUntil": "2018-03-27T08:45:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/9560247326",
            "expanded_url": "https://t.me/rusembdprk/154",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "149"
      ],
      "favorite_count": "16",
      "id_str": "978545909560247326",
      "truncated": false,
      "retweet_count": "5",
      "id": "978545909560247326",
      "created_at": "Tue Mar 27 08:15:00 +0000 2018",
      "favorited": false,
      "full_text": "Министр иностранных дел КНДР Ли Ен Хо принял посла России.\n\nDPRK Foreign Minister Ri Yong Ho received the Russian Ambassador. https://t.co/9560247326",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "977879518540727325"
          ],
          "editableUntil": "2018-03-25T12:37:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "67"
      ],
      "favorite_count": "0",
      "id_str": "977879518540727325",
      "truncated": false,
      "retweet_count": "0",
      "id": "977879518540727325",
      "created_at": "Sun Mar 25 12:07:00 +0000 2018",
      "favorited": false,
      "full_text": "RT @MID_RF: Интервью С.В.Лаврова о российско-корейских отношениях.…",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "975261769528247324"
          ],
          "editableUntil": "2018-03-18T07:15:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/9528247324",
            "expanded_url": "https://t.me/rusembdprk/152",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "206"
      ],
      "favorite_count": "23",
      "id_str": "975261769528247324",
      "truncated": false,
      "retweet_count": "4",
      "id": "975261769528247324",
      "created_at": "Sun Mar 18 06:45:00 +0000 2018",
      "favorited": false,
      "full_text": "Выборы Президента России: на избирательном участке при посольстве проголосовали граждане России.\n\nPresidential election: Russian citizens voted at the polling station at the Embassy. https://t.co/9528247324",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "974266461189047323"
          ],
          "editableUntil": "2018-03-15T13:20:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/1189047323",
            "expanded_url": "https://t.me/rusembdprk/151",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "89"
      ],
      "favorite_count": "39",
      "id_str": "974266461189047323",
      "truncated": false,
      "retweet_count": "12",
      "id": "974266461189047323",
      "created_at": "Thu Mar 15 12:50:00 +0000 2018",
      "favorited": false,
      "full_text": "Фото недели: осень и зима в Нампхо.\n\nPhoto of the week: in Nampo. https://t.co/1189047323",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "971600142136247322"
          ],
          "editableUntil": "2018-03-08T04:45:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/2136247322",
            "expanded_url": "https://t.me/rusembdprk/150",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "132"
      ],
      "favorite_count": "39",
      "id_str": "971600142136247322",
      "truncated": false,
      "retweet_count": "5",
      "id": "971600142136247322",
      "created_at": "Thu Mar 08 04:15:00 +0000 2018",
      "favorited": false,
      "full_text": "Поздравляем всех женщин с Международным женским днём 8 марта!\n\nHappy International Women's Day to all women! https://t.co/2136247322",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "970559283655607321"
          ],
          "editableUntil": "2018-03-05T07:49:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/3655607321",
            "expanded_url": "https://t.me/rusembdprk/149",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "114"
      ],
      "favorite_count": "39",
      "id_str": "970559283655607321",
      "truncated": false,
      "retweet_count": "11",
      "id": "970559283655607321",
      "created_at": "Mon Mar 05 07:19:00 +0000 2018",
      "favorited": false,
      "full_text": "Фото недели: осень и зима в пхеньянском метро.\n\nPhoto of the week: in the Pyongyang Metro. https://t.co/3655607321",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "969081043153847320"
          ],
          "editableUntil": "2018-03-01T05:55:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/3153847320",
            "expanded_url": "https://t.me/rusembdprk/148",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "183"
      ],
      "favorite_count": "21",
      "id_str": "969081043153847320",
      "truncated": false,
      "retweet_count": "1",
      "id": "969081043153847320",
      "created_at": "Thu Mar 01 05:25:00 +0000 2018",
      "favorited": false,
      "full_text": "Масленица в посольстве: блины, чай и русские песни вместе с корейскими гостями.\n\nMaslenitsa at the Embassy: pancakes, tea and Russian songs with Korean guests. https://t.co/3153847320",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "966993034736567319"
          ],
          "editableUntil": "2018-02-23T11:38:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "58"
      ],
      "favorite_count": "0",
      "id_str": "966993034736567319",
      "truncated": false,
      "retweet_count": "1",
      "id": "966993034736567319",
      "created_at": "Fri Feb 23 11:08:00 +0000 2018",
      "favorited": false,
      "full_text": "RT @MID_RF: Выступление С.В.Лаврова на пресс-конференции.…",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "966933140075447318"
          ],
          "editableUntil": "2018-02-23T07:40:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/0075447318",
            "expanded_url": "https://t.me/rusembdprk/146",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "175"
      ],
      "favorite_count": "13",
      "id_str": "966933140075447318",
      "truncated": false,
      "retweet_count": "1",
      "id": "966933140075447318",
      "created_at": "Fri Feb 23 07:10:00 +0000 2018",
      "favorited": false,
      "full_text": "Возложение венков к памятнику Освобождения в День защитника Отечества.\n\nWreaths were laid at the Liberation Monument on Defender of the Fatherland Day. https://t.co/0075447318",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "964347351659447317"
          ],
          "editableUntil": "2018-02-16T04:25:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/1659447317",
            "expanded_url": "https://t.me/rusembdprk/145",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "196"
      ],
      "favorite_count": "49",
      "id_str": "964347351659447317",
      "truncated": false,
      "retweet_count": "2",
      "id": "964347351659447317",
      "created_at": "Fri Feb 16 03:55:00 +0000 2018",
      "favorited": false,
      "full_text": "С Новым годом по лунному календарю! Посольство поздравляет корейских друзей с праздником Соллаль.\n\nHappy Lunar New Year! The Embassy congratulates Korean friends on Sollal. https://t.co/1659447317",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "963388785423287316"
          ],
          "editableUntil": "2018-02-13T12:56:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/5423287316",
            "expanded_url": "https://t.me/rusembdprk/144",
            "display_url": "t.me/rusembdprk/…",
            "indices": [
              "0",
              "23"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "114"
      ],
      "favorite_count": "25",
      "id_str": "963388785423287316",
      "truncated": false,
      "retweet_count": "4",
      "id": "963388785423287316",
      "created_at": "Tue Feb 13 12:26:00 +0000 2018",
      "favorited": false,
      "full_text": "Фото недели: осень и зима в горах Мёхянсан.\n\nPhoto of the week: in the Myohyang Mountains. https://t.co/5423287316",
      "lang": "ru"
    }
  }
]