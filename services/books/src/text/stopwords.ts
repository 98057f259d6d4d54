/** Function words that say nothing about a passage's topic (TF-IDF and keywords skip them). */
export const STOPWORDS = new Set(
  `a about above after again against all also although am among an and another any are around as at be because been
before being below between both but by can cannot could did do does doing down during each either else even ever every
few for from further had has have having he her here hers herself him himself his how however i if in into is it its
itself just last later least less like made make many may me might more most much must my myself near never new next
no nor not now of off often on once one only or other our ours ourselves out over own per perhaps rather same several
she should since so some still such than that the their theirs them themselves then there these they this those
though through thus to too toward towards under until up upon us very was we well were what when where whether which
while who whom whose why will with within without would yet you your yours yourself first second two three four five
six seven eight nine ten years year time part way came went took come go get got great long little much says said
including later became become becomes known wrote called told gave set famous note notes'`
    .split(/\s+/)
    .filter(Boolean),
);
