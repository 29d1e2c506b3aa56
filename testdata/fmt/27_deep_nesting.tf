locals {
  deep = {
    a = {
      b = {
        c = [
          {
            d = 1
            ee = 2
          },
          {
          f = [1,
          2]
          }
        ]
      }
    }
  }
}
