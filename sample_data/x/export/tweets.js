window.YTD.tweets.part0 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "989008600888247335"
          ],
          "editableUntil": "2018-04-25T05:40:00.000Z",
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
            "url": "https://t.co/0888247335",
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
        "306"
      ],
      "favorite_count": "15",
      "id_str": "989008600888247335",
      "truncated": false,
      "retweet_count": "4",
      "id": "989008600888247335",
      "created_at": "Wed Apr 25 05:10:00 +0000 2018",
      "favorited": false,
      "full_text": "В Посольстве прошла встреча с участниками акции «Бессмертный полк» — впервые колонна пройдёт и в Пхеньяне, по территории Посольства.\n\nThe Embassy met the participants of the Immortal Regiment march: for the first time, the column will also walk in Pyongyang, on the Embassy grounds. https://t.co/0888247335",
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
            "986489501905847333"
          ],
          "editableUntil": "2018-04-18T06:50:00.000Z",
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
            "url": "https://t.co/1905847333",
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
        "147"
      ],
      "favorite_count": "8",
      "id_str": "986489501905847333",
      "truncated": false,
      "retweet_count": "0",
      "id": "986489501905847333",
      "created_at": "Wed Apr 18 06:20:00 +0000 2018",
      "favorited": false,
      "full_text": "Делегация Российского союза ветеранов прибыла в Пхеньян. В программе — возложение венков и встречи с корейскими ветеранами. https://t.co/1905847333",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "985037433861047332"
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
            "url": "https://t.co/3861047332",
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
        "114"
      ],
      "favorite_count": "35",
      "id_str": "985037433861047332",
      "truncated": false,
      "retweet_count": "2",
      "id": "985037433861047332",
      "created_at": "Sat Apr 14 06:10:00 +0000 2018",
      "favorited": false,
      "full_text": "Фото недели: осень и зима у Триумфальной арки.\n\nPhoto of the week: at the Arch of Triumph. https://t.co/3861047332",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "984631005803447331"
          ],
          "editableUntil": "2018-04-13T03:45:00.000Z",
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
            "url": "https://t.co/5803447331",
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
        "180"
      ],
      "favorite_count": "16",
      "id_str": "984631005803447331",
      "truncated": false,
      "retweet_count": "0",
      "id": "984631005803447331",
      "created_at": "Fri Apr 13 03:15:00 +0000 2018",
      "favorited": false,
      "full_text": "Посольство России в Сеуле провело круглый стол о перспективах трёхстороннего сотрудничества России, Республики Корея и КНДР в сфере энергетики и транспорта. https://t.co/5803447331",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "983204103582647330"
          ],
          "editableUntil": "2018-04-09T05:15:00.000Z",
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
            "url": "https://t.co/3582647330",
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
        "178"
      ],
      "favorite_count": "25",
      "id_str": "983204103582647330",
      "truncated": false,
      "retweet_count": "8",
      "id": "983204103582647330",
      "created_at": "Mon Apr 09 04:45:00 +0000 2018",
      "favorited": false,
      "full_text": "Министр иностранных дел КНДР Ли Ён Хо прибыл в Москву с официальным визитом.\n\nDPRK Foreign Minister Ri Yong Ho has arrived in Moscow on an official visit. https://t.co/3582647330",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "981426893091767329"
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
            "url": "https://t.co/3091767329",
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
        "89"
      ],
      "favorite_count": "28",
      "id_str": "981426893091767329",
      "truncated": false,
      "retweet_count": "4",
      "id": "981426893091767329",
      "created_at": "Wed Apr 04 07:03:00 +0000 2018",
      "favorited": false,
      "full_text": "Фото недели: осень и зима в Расоне.\n\nPhoto of the week: in Rason. https://t.co/3091767329",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "981354415518647328"
          ],
          "editableUntil": "2018-04-04T02:45:00.000Z",
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
            "url": "https://t.co/5518647328",
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
        "149"
      ],
      "favorite_count": "25",
      "id_str": "981354415518647328",
      "truncated": false,
      "retweet_count": "1",
      "id": "981354415518647328",
      "created_at": "Wed Apr 04 02:15:00 +0000 2018",
      "favorited": false,
      "full_text": "Корейские студенты готовят к Дню Победы спектакль по повести «А зори здесь тихие…». Репетиции идут в актовом зале Посольства. https://t.co/5518647328",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "979172538577847327"
          ],
          "editableUntil": "2018-03-29T02:15:00.000Z",
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
            "url": "https://t.co/8577847327",
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
        "138"
      ],
      "favorite_count": "25",
      "id_str": "979172538577847327",
      "truncated": false,
      "retweet_count": "7",
      "id": "979172538577847327",
      "created_at": "Thu Mar 29 01:45:00 +0000 2018",
      "favorited": false,
      "full_text": "В Посольстве прошло совещание с руководителями российских организаций в КНДР, посвящённое подготовке к Дню Победы. https://t.co/8577847327",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "977879518540727326"
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
      "id_str": "977879518540727326",
      "truncated": false,
      "retweet_count": "1",
      "id": "977879518540727326",
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
            "977024635499447325"
          ],
          "editableUntil": "2018-03-23T04:00:00.000Z",
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
            "url": "https://t.co/5499447325",
            "expanded_url": "https://t.me/rusembdprk/153",
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
        "165"
      ],
      "favorite_count": "27",
      "id_str": "977024635499447325",
      "truncated": false,
      "retweet_count": "2",
      "id": "977024635499447325",
      "created_at": "Fri Mar 23 03:30:00 +0000 2018",
      "favorited": false,
      "full_text": "Корейская весенняя кухня: в Пхеньяне начался сезон молодой зелени. Суп из молодой полыни и салат из дикого чеснока подают во всех ресторанах. https://t.co/5499447325",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "975586408657847324"
          ],
          "editableUntil": "2018-03-19T04:45:00.000Z",
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
            "url": "https://t.co/8657847324",
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
        "141"
      ],
      "favorite_count": "39",
      "id_str": "975586408657847324",
      "truncated": false,
      "retweet_count": "7",
      "id": "975586408657847324",
      "created_at": "Mon Mar 19 04:15:00 +0000 2018",
      "favorited": false,
      "full_text": "В Пхеньяне потеплело, и на набережной Тэдонгана снова появились рыбаки. Говорят, в марте лучше всего ловится корюшка. https://t.co/8657847324",
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
      "favorite_count": "37",
      "id_str": "974266461189047323",
      "truncated": false,
      "retweet_count": "11",
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
            "971587559224247322"
          ],
          "editableUntil": "2018-03-08T03:55:00.000Z",
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
            "url": "https://t.co/9224247322",
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
        "316"
      ],
      "favorite_count": "37",
      "id_str": "971587559224247322",
      "truncated": false,
      "retweet_count": "4",
      "id": "971587559224247322",
      "created_at": "Thu Mar 08 03:25:00 +0000 2018",
      "favorited": false,
      "full_text": "С 8 Марта, милые женщины! Мужчины Посольства поздравили коллег концертом, а корейские друзья подарили песню «Весенний день в Пхеньяне».\n\nHappy International Women's Day! The men of the Embassy congratulated their colleagues with a concert, and Korean friends sang \"A Spring Day in Pyongyang\". https://t.co/9224247322",
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
      "favorite_count": "37",
      "id_str": "970559283655607321",
      "truncated": false,
      "retweet_count": "10",
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
            "969424556651447320"
          ],
          "editableUntil": "2018-03-02T04:40:00.000Z",
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
            "url": "https://t.co/6651447320",
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
        "292"
      ],
      "favorite_count": "19",
      "id_str": "969424556651447320",
      "truncated": false,
      "retweet_count": "0",
      "id": "969424556651447320",
      "created_at": "Fri Mar 02 04:10:00 +0000 2018",
      "favorited": false,
      "full_text": "Масленица в Посольстве! Пекли блины, сжигали чучело зимы, а корейские гости с удовольствием пробовали блины с икрой и сгущёнкой.\n\nMaslenitsa at the Embassy! We baked bliny, burned an effigy of winter, and our Korean guests enjoyed bliny with caviar and condensed milk. https://t.co/6651447320",
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
      "retweet_count": "0",
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
            "966874000389047318"
          ],
          "editableUntil": "2018-02-23T03:45:00.000Z",
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
            "url": "https://t.co/0389047318",
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
        "125"
      ],
      "favorite_count": "22",
      "id_str": "966874000389047318",
      "truncated": false,
      "retweet_count": "1",
      "id": "966874000389047318",
      "created_at": "Fri Feb 23 03:15:00 +0000 2018",
      "favorited": false,
      "full_text": "С Днём защитника Отечества! Мужчин Посольства поздравили песнями и самодельными открытками наши дети. https://t.co/0389047318",
      "lang": "ru"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "965423190635447317"
          ],
          "editableUntil": "2018-02-19T03:40:00.000Z",
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
            "url": "https://t.co/0635447317",
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
        "120"
      ],
      "favorite_count": "25",
      "id_str": "965423190635447317",
      "truncated": false,
      "retweet_count": "0",
      "id": "965423190635447317",
      "created_at": "Mon Feb 19 03:10:00 +0000 2018",
      "favorited": false,
      "full_text": "Посол А.И.Мацегора принял участие в церемонии, посвящённой 76-летию со дня рождения Ким Чен Ира. https://t.co/0635447317",
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
      "favorite_count": "23",
      "id_str": "963388785423287316",
      "truncated": false,
      "retweet_count": "3",
      "id": "963388785423287316",
      "created_at": "Tue Feb 13 12:26:00 +0000 2018",
      "favorited": false,
      "full_text": "Фото недели: осень и зима в горах Мёхянсан.\n\nPhoto of the week: in the Myohyang Mountains. https://t.co/5423287316",
      "lang": "ru"
    }
  }
]