/** English function words: never a keyword or a hashtag. */
export const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being below between both but by " +
    "can can't cannot could couldn't did didn't do does doesn't doing don't down during each even ever every few for from further get gets got " +
    "had hadn't has hasn't have haven't having he her here hers herself him himself his how however i if in into is isn't it it's its itself " +
    "just know let's like made make makes many may me might more most much must my myself need new no nor not now of off often on once one only " +
    "or other our ours ourselves out over own really same say says see she should shouldn't so some such than that that's the their theirs them " +
    "themselves then there there's these they this those through to too under until up us use used using very want was wasn't way we were " +
    "weren't what what's when where which while who whom why will with without won't would wouldn't yet you you're your yours yourself " +
    "yourselves thing things lot lots get getting go going gonna here's let thats"
  ).split(' '),
);
